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
}
