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
            x => [FusedSwiGlu.Apply(x, new HandedOverGradients())],
            x =>
            {
                var halves = x.chunk(2, -1);
                return [nn.functional.silu(halves[0]) * halves[1]];
            },
            randn(2, rows, 2 * width) * 4);
    }

    [Fact]
    public void A_bfloat16_product_gives_the_float32_kernels_result_and_gradient_rounded_to_bfloat16()
    {
        manual_seed(3);
        var product = (randn(7, 2 * 45) * 4).to(bfloat16);
        var upstream = randn(7, 45).to(bfloat16);
        var wide = product.to(float32).requires_grad_(true);
        var wideResult = FusedSwiGlu.Apply(wide, new HandedOverGradients());
        var wideGradient = autograd.grad([wideResult], [wide], [upstream.to(float32)])[0];

        var narrow = product.clone().requires_grad_(true);
        var result = FusedSwiGlu.Apply(narrow, new HandedOverGradients());
        var gradient = autograd.grad([result], [narrow], [upstream])[0];

        Assert.Equal(ScalarType.BFloat16, result.dtype);
        Assert.Equal(BFloat16Rows.Bits(wideResult.to(bfloat16)), BFloat16Rows.Bits(result));
        Assert.Equal(BFloat16Rows.Bits(wideGradient.to(bfloat16)), BFloat16Rows.Bits(gradient));
    }

    [Fact]
    public void Saturated_gates_give_finite_gradients()
    {
        var gates = tensor(new float[] { -200, -90, 90, 200 });
        var both = cat([gates, ones(4)]).reshape(1, 8).requires_grad_(true);

        var gradient = autograd.grad([FusedSwiGlu.Apply(both, new HandedOverGradients())], [both], [ones(1, 4)])[0];

        Assert.True(gradient.isfinite().all().item<bool>(), gradient.ToString(TorchSharp.TensorStringStyle.Numpy));
    }
}
