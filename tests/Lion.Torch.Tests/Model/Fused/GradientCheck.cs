using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

/// <summary>A fused kernel against libtorch's composition of the same function: outputs, then the inputs' gradients for one random upstream gradient.</summary>
internal static class GradientCheck
{
    public static void Same(Func<Tensor, Tensor[]> fused, Func<Tensor, Tensor[]> reference, Tensor input, double rtol = 1e-5, double atol = 1e-5)
    {
        using var scope = NewDisposeScope();
        var x = input.detach().requires_grad_(true);
        var ours = fused(x);
        var theirs = reference(x);
        manual_seed(99);
        var upstream = theirs.Select(t => randn_like(t)).ToArray();
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.Equal(theirs[i].shape, ours[i].shape);
            Assert.True(ours[i].allclose(theirs[i], rtol, atol), $"output {i}: max difference {(ours[i] - theirs[i]).abs().max().item<float>()}");
        }
        var ourGradient = autograd.grad(ours, [x], upstream)[0];
        var theirGradient = autograd.grad(theirs, [x], upstream)[0];
        Assert.True(ourGradient.allclose(theirGradient, rtol, atol), $"gradient: max difference {(ourGradient - theirGradient).abs().max().item<float>()}");
    }
}
