using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class ChunkedCrossEntropyTests
{
    /// <summary>The loss and the gradients of the input and of the weight, for a loss weighted as a share of a batch is.</summary>
    private static Tensor[] LossAndGradients(Func<Tensor, Tensor, Tensor> loss, Tensor x, Tensor weight, bool weightLearns = true)
    {
        var input = x.clone().requires_grad_(true);
        var w = weight.clone().requires_grad_(weightLearns);
        using var share = 0.375.ToScalar();
        var value = loss(input, w);
        var gradients = autograd.grad([value.mul(share)], weightLearns ? [input, w] : [input]);
        return [value, .. gradients];
    }

    /// <summary>Random positions of <paramref name="hidden"/> features, a head's weight, and a class for each position.</summary>
    private static (Tensor X, Tensor Weight, Tensor Targets) Case(int seed, int positions, int classes, int hidden = 48, float xScale = 1, float weightScale = 0.3f)
    {
        manual_seed(seed);
        return (randn(positions, hidden) * xScale, randn(classes, hidden) * weightScale, randint(0, classes, [positions]));
    }

    private static Tensor Libtorchs(Tensor x, Tensor weight, Tensor targets) =>
        nn.functional.cross_entropy(nn.functional.linear(x, weight), targets, ignore_index: -100);

    private static void Close(Tensor[] ours, Tensor[] theirs, double tolerance)
    {
        Assert.Equal(theirs.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.Equal(theirs[i].shape, ours[i].shape);
            double scale = theirs[i].abs().max().item<float>();
            double difference = (ours[i] - theirs[i]).abs().max().item<float>();
            Assert.True(difference <= tolerance * scale, $"result {i}: max difference {difference}, largest value {scale}");
        }
    }

    [Theory]
    [InlineData(37, 1000, 1 << 23)] // one chunk, a vocabulary with a tail past the last whole vector
    [InlineData(37, 1000, 7000)] // chunks of seven positions, the last one short
    [InlineData(300, 259, 1 << 23)] // more positions than classes (the byte-level student's head)
    public void Gives_libtorchs_loss_and_gradients(int positions, int classes, long logitsAtOnce)
    {
        var (x, weight, targets) = Case(1, positions, classes);
        var compute = new ModelCompute();

        var ours = LossAndGradients((i, w) => ChunkedCrossEntropy.Apply(i, w, targets, compute, logitsAtOnce), x, weight);
        var theirs = LossAndGradients((i, w) => Libtorchs(i, w, targets), x, weight);

        Close(ours, theirs, 1e-5);
    }

    [Fact]
    public void Positions_whose_target_is_ignored_teach_nothing_and_take_no_gradient()
    {
        var (x, weight, targets) = Case(2, 20, 500);
        targets.narrow(0, 3, 5).fill_(-100);
        var compute = new ModelCompute();

        var ours = LossAndGradients((i, w) => ChunkedCrossEntropy.Apply(i, w, targets, compute, 3000), x, weight);
        var theirs = LossAndGradients((i, w) => Libtorchs(i, w, targets), x, weight);

        Close(ours, theirs, 1e-5);
        Assert.Equal(0, ours[1].narrow(0, 3, 5).abs().max().item<float>());
    }

    [Fact]
    public void Takes_no_gradient_for_a_weight_that_learns_nothing()
    {
        var (x, weight, targets) = Case(3, 20, 500);
        var compute = new ModelCompute();

        var ours = LossAndGradients((i, w) => ChunkedCrossEntropy.Apply(i, w, targets, compute, 3000), x, weight, weightLearns: false);
        var theirs = LossAndGradients((i, w) => Libtorchs(i, w, targets), x, weight, weightLearns: false);

        Close(ours, theirs, 1e-5);
    }

    [Fact]
    public void Logits_far_from_zero_give_the_same_loss_and_gradients()
    {
        var (x, weight, targets) = Case(4, 16, 700, xScale: 30, weightScale: 1);
        var compute = new ModelCompute();

        var ours = LossAndGradients((i, w) => ChunkedCrossEntropy.Apply(i, w, targets, compute, 5000), x, weight);
        var theirs = LossAndGradients((i, w) => Libtorchs(i, w, targets), x, weight);

        Assert.True(float.IsFinite(ours[0].item<float>()));
        Close(ours, theirs, 1e-5);
    }

    [Fact]
    public void Under_bfloat16_products_it_gives_libtorchs_bfloat16_loss_and_gradients_within_rounding()
    {
        var (x, weight, targets) = Case(5, 40, 900, hidden: 64);
        var compute = new ModelCompute();
        using var cast = compute.BFloat16();

        // Chunks of nine positions, and the weight's gradient summed over slices of 140 classes.
        var ours = LossAndGradients((i, w) => ChunkedCrossEntropy.Apply(i, w, targets, compute, 9000), x, weight);
        var theirs = LossAndGradients((i, w) => nn.functional.cross_entropy(compute.Linear(i, w), targets), x, weight);

        Close(ours, theirs, 0.01);
    }

    [Fact]
    public void Without_gradients_it_gives_the_loss_alone()
    {
        var (x, frozen, targets) = Case(6, 20, 500);
        var weight = frozen.requires_grad_(true);

        using var noGrad = no_grad();
        var loss = ChunkedCrossEntropy.Apply(x, weight, targets, new ModelCompute(), 3000);

        Assert.False(loss.requires_grad);
        Assert.Equal(Libtorchs(x, weight, targets).item<float>(), loss.item<float>(), 1e-5);
    }

    [Fact]
    public void Refuses_a_target_outside_the_vocabulary()
    {
        var targets = tensor(new long[] { 1, 500, 2 });
        var error = Assert.Throws<ArgumentException>(() => ChunkedCrossEntropy.Apply(randn(3, 8), randn(500, 8), targets, new ModelCompute()));
        Assert.Contains("target 500 at position 1", error.Message);
    }
}
