using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Tests;

// The native library only loads after the build marks its GLIBCXX_3.4.32 need weak
// (build/TorchSharpNativePatch.targets); this fails first if that step is missing.
public class TorchRuntimeTests
{
    [Fact]
    public void Multiplying_two_tensors_gives_their_elementwise_product()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = tensor(new float[] { 4, 5, 6 });
        using var product = a * b;

        Assert.Equal(new float[] { 4, 10, 18 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Matrix_product_runs_on_the_cpu()
    {
        using var a = ones(2, 3);
        using var b = ones(3, 4);
        using var product = matmul(a, b);

        Assert.Equal(new long[] { 2, 4 }, product.shape);
        Assert.Equal(3f, product[1, 2].item<float>());
        Assert.Equal(DeviceType.CPU, product.device_type);
    }
}
