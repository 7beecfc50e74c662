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

    [Theory]
    [InlineData(3, 44)]
    [InlineData(1024, 64)]
    public void Applies_a_frozen_scale_as_libtorch_would_after_the_norm(int rows, int size)
    {
        manual_seed(3);
        using var eps = tensor(1e-5f);
        var scale = rand(size) + 0.5f;
        GradientCheck.Same(
            x => [FusedRmsNorm.Apply(x, 1e-5, new HandedOverGradients(), float32, scale)],
            x => [x * rsqrt(x.square().mean([-1], keepdim: true).add(eps)) * scale],
            randn(2, rows, size) * 3);
    }

    [Fact]
    public void A_frozen_scale_in_bfloat16_rounds_once_the_scaled_float32_norm()
    {
        manual_seed(4);
        var x = randn(2, 300, 44) * 3;
        var scale = rand(44) + 0.5f;
        var upstream = randn(2, 300, 44).to(bfloat16);
        Tensor[] NormAndGradient(ScalarType type)
        {
            var input = x.clone().requires_grad_(true);
            var y = FusedRmsNorm.Apply(input, 1e-5, new HandedOverGradients(), type, scale);
            return [y, autograd.grad([y], [input], [upstream.to(type)])[0]];
        }

        var (narrow, wide) = (NormAndGradient(bfloat16), NormAndGradient(float32));

        Assert.Equal(BFloat16Rows.Bits(wide[0].to(bfloat16)), BFloat16Rows.Bits(narrow[0]));
        Assert.True(narrow[1].allclose(wide[1], rtol: 0, atol: 0), $"max difference {(narrow[1] - wide[1]).abs().max().item<float>()}");
    }

    [Fact]
    public void Refuses_a_scale_that_takes_a_gradient()
    {
        var scale = ones(8).requires_grad_(true);
        Assert.Throws<ArgumentException>(() => FusedRmsNorm.Apply(randn(2, 8), 1e-5, new HandedOverGradients(), float32, scale));
    }
}
