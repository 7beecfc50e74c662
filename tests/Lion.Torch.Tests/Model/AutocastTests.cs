using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class AutocastTests
{
    private static (Tensor X, Tensor Weight, Tensor Bias) Inputs()
    {
        manual_seed(3);
        return (randn(40, 48), randn(24, 48) * 0.2, randn(24));
    }

    private static double MaxRelative(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();

    [Fact]
    public void Outside_a_scope_a_projection_is_float32s_exactly()
    {
        var (x, weight, bias) = Inputs();

        Assert.False(Autocast.IsBFloat16);
        Assert.True(Autocast.Linear(x, weight, bias).allclose(nn.functional.linear(x, weight, bias), rtol: 0, atol: 0));
    }

    [Fact]
    public void Inside_a_bfloat16_scope_a_projection_is_rounded_to_bfloat16_and_returned_as_float32()
    {
        var (x, weight, bias) = Inputs();
        var exact = nn.functional.linear(x, weight, bias);

        using var cast = Autocast.BFloat16();
        var product = Autocast.Linear(x, weight, bias);

        Assert.Equal(ScalarType.Float32, product.dtype);
        Assert.False(product.allclose(exact, rtol: 0, atol: 0));
        Assert.True(MaxRelative(product, exact) < 2e-2, $"relative difference {MaxRelative(product, exact)}");
        Assert.True(product.allclose(nn.functional.linear(x.to(bfloat16), weight.to(bfloat16), bias.to(bfloat16)).to(float32), rtol: 0, atol: 0));
    }

    [Fact]
    public void Gradients_of_a_bfloat16_product_reach_the_float32_weights()
    {
        var (x, weight, bias) = Inputs();
        var w32 = weight.clone().requires_grad_(true);
        nn.functional.linear(x, w32, bias).pow(2).sum().backward();
        var w16 = weight.clone().requires_grad_(true);

        using (Autocast.BFloat16())
            Autocast.Linear(x, w16, bias).pow(2).sum().backward();

        Assert.Equal(ScalarType.Float32, w16.grad!.dtype);
        Assert.True(MaxRelative(w16.grad, w32.grad!) < 3e-2, $"relative difference {MaxRelative(w16.grad, w32.grad!)}");
    }

    [Fact]
    public void A_scope_restores_the_setting_it_found()
    {
        using (Autocast.BFloat16())
        {
            using (Autocast.BFloat16(enabled: false))
                Assert.False(Autocast.IsBFloat16);
            Assert.True(Autocast.IsBFloat16);
        }
        Assert.False(Autocast.IsBFloat16);
    }

    [Fact]
    public void A_scope_holds_for_its_own_thread_only()
    {
        using var cast = Autocast.BFloat16();
        bool elsewhere = true;
        var thread = new Thread(() => elsewhere = Autocast.IsBFloat16);
        thread.Start();
        thread.Join();

        Assert.True(Autocast.IsBFloat16);
        Assert.False(elsewhere);
    }
}
