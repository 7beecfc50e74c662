using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedSwiGluTests
{
    [Theory]
    [InlineData(5, 37)]
    [InlineData(3, 45)] // sixteen-wide vectors, then an eight-wide one, then single floats
    [InlineData(600, 128)]
    public void Gives_silu_of_the_gate_half_times_the_up_half_and_its_gradient(int rows, int width)
    {
        manual_seed(2);
        GradientCheck.Same(
            x => [FusedSwiGlu.Apply(x)],
            x =>
            {
                var halves = x.chunk(2, -1);
                return [nn.functional.silu(halves[0]) * halves[1]];
            },
            randn(2, rows, 2 * width) * 4);
    }

    [Fact]
    public void Saturated_gates_give_finite_gradients()
    {
        var gates = tensor(new float[] { -200, -90, 90, 200 });
        var both = cat([gates, ones(4)]).reshape(1, 8).requires_grad_(true);

        var gradient = autograd.grad([FusedSwiGlu.Apply(both)], [both], [ones(1, 4)])[0];

        Assert.True(gradient.isfinite().all().item<bool>(), gradient.ToString(TorchSharp.TensorStringStyle.Numpy));
    }
}
