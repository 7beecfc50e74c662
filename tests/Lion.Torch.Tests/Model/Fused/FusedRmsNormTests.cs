using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedRmsNormTests
{
    [Theory]
    [InlineData(3, 44)] // a width with a tail past the last whole vector
    [InlineData(1024, 64)] // enough rows to be split across threads
    public void Gives_libtorchs_norm_and_gradient(int rows, int size)
    {
        manual_seed(1);
        using var eps = tensor(1e-5f);
        GradientCheck.Same(
            x => [FusedRmsNorm.Apply(x, 1e-5, new HandedOverGradients())],
            x => [x * rsqrt(x.square().mean([-1], keepdim: true).add(eps))],
            randn(2, rows, size) * 3);
    }

    [Fact]
    public void Asked_for_bfloat16_it_rounds_the_float32_norm_and_takes_a_bfloat16_gradient_as_its_float32_values()
    {
        manual_seed(2);
        var x = randn(2, 300, 44) * 3;
        var upstream = randn(2, 300, 44).to(bfloat16);
        Tensor[] NormAndGradient(ScalarType type)
        {
            var input = x.clone().requires_grad_(true);
            var y = FusedRmsNorm.Apply(input, 1e-5, new HandedOverGradients(), type);
            return [y, autograd.grad([y], [input], [upstream.to(type)])[0]];
        }

        var (narrow, wide) = (NormAndGradient(bfloat16), NormAndGradient(float32));

        Assert.Equal(bfloat16, narrow[0].dtype);
        Assert.Equal(BFloat16Rows.Bits(wide[0].to(bfloat16)), BFloat16Rows.Bits(narrow[0]));
        Assert.Equal(float32, narrow[1].dtype);
        Assert.True(narrow[1].allclose(wide[1], rtol: 0, atol: 0), $"max difference {(narrow[1] - wide[1]).abs().max().item<float>()}");
    }
}
