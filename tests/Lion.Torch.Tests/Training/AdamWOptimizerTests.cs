using Lion.Torch.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Training;

public sealed class AdamWOptimizerTests
{
    private static Parameter Weights() => new(arange(12, dtype: float32).reshape(3, 4) / 10);

    private static void Backward(Parameter weights, int step) => (weights * weights * (step + 1)).sin().sum().backward();

    /// <summary>The same steps with weight decay 0.1 by our AdamW on one parameter and TorchSharp's on the other.</summary>
    private static void StepBoth(Parameter ours, Parameter theirs, double learningRate, int steps)
    {
        using var adamw = new AdamWOptimizer([ours], learningRate, weightDecay: 0.1);
        var reference = optim.AdamW([theirs], lr: learningRate, weight_decay: 0.1);
        for (int step = 0; step < steps; step++)
        {
            Backward(ours, step);
            Backward(theirs, step);
            adamw.Step();
            reference.step();
            adamw.ZeroGrad();
            reference.zero_grad();
        }
    }

    [Fact]
    public void Takes_the_steps_of_pytorchs_adamw_with_decoupled_weight_decay()
    {
        using var ours = Weights();
        using var theirs = Weights();
        StepBoth(ours, theirs, learningRate: 0.05, steps: 5);

        Assert.True(ours.allclose(theirs, rtol: 1e-6, atol: 1e-7), $"{ours.ToString(TorchSharp.TensorStringStyle.Numpy)}\n{theirs.ToString(TorchSharp.TensorStringStyle.Numpy)}");
        Assert.False(ours.allclose(Weights()), "the weights moved");
    }

    [Fact]
    public void A_parameter_too_large_for_one_thread_takes_the_same_steps_as_pytorchs()
    {
        manual_seed(8);
        var start = randn(300, 257); // spread over two threads, with a tail past the last whole vector
        using var ours = new Parameter(start.clone());
        using var theirs = new Parameter(start.clone());
        StepBoth(ours, theirs, learningRate: 0.01, steps: 4);

        Assert.True(ours.allclose(theirs, rtol: 1e-5, atol: 1e-6), $"max difference {(ours - theirs).abs().max().item<float>()}");
    }

    [Fact]
    public void Parameters_whose_shares_run_from_one_into_the_next_take_the_same_steps_as_pytorchs()
    {
        manual_seed(9);
        // Together long enough for a share a thread; the shares' boundary falls inside the second.
        var starts = new[] { randn(70_001), randn(3), randn(41, 1_003), randn(17) };
        var ours = starts.Select(s => new Parameter(s.clone())).ToList();
        var theirs = starts.Select(s => new Parameter(s.clone())).ToList();
        using var adamw = new AdamWOptimizer(ours, 0.01, weightDecay: 0.1);
        var reference = optim.AdamW(theirs, lr: 0.01, weight_decay: 0.1);
        for (int step = 0; step < 3; step++)
        {
            foreach (var parameters in new[] { ours, theirs })
                parameters.Select((w, i) => (w * w * (step + i + 1)).sin().sum()).Aggregate((a, b) => a + b).backward();
            adamw.Step();
            reference.step();
            adamw.ZeroGrad();
            reference.zero_grad();
        }

        for (int i = 0; i < starts.Length; i++)
        {
            Assert.True(ours[i].allclose(theirs[i], rtol: 1e-5, atol: 1e-6), $"parameter {i}: max difference {(ours[i] - theirs[i]).abs().max().item<float>()}");
            Assert.False(ours[i].allclose(starts[i]), $"parameter {i} moved");
        }
    }

    [Fact]
    public void Zeroing_lets_go_of_the_gradients()
    {
        using var weights = Weights();
        using var adamw = new AdamWOptimizer([weights], learningRate: 0.05, weightDecay: 0);
        Backward(weights, 0);

        adamw.ZeroGrad();

        Assert.Null(weights.grad);
    }

    [Fact]
    public void Saved_moments_load_into_a_fresh_optimiser_that_then_steps_alike()
    {
        string path = Path.Combine(Path.GetTempPath(), $"adamw-{Guid.NewGuid():N}.safetensors");
        using var first = Weights();
        using var second = Weights();
        using var original = new AdamWOptimizer([first], learningRate: 0.05, weightDecay: 0);
        Backward(first, 0);
        original.Step();
        original.Save(path);
        using (no_grad())
            second.copy_(first);

        using var restored = new AdamWOptimizer([second], learningRate: 0.05, weightDecay: 0);
        restored.Load(path);
        File.Delete(path);
        original.ZeroGrad();
        Backward(first, 1);
        Backward(second, 1);
        original.Step();
        restored.Step();

        Assert.Equal(original.Steps, restored.Steps);
        Assert.True(first.allclose(second, rtol: 0, atol: 0));
    }
}
