using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed unsafe class FloatMemoryTests
{
    [Fact]
    public void A_view_is_read_from_its_own_first_element()
    {
        var whole = arange(12, dtype: float32).reshape(4, 3);
        var rows = whole.narrow(0, 2, 2); // a contiguous view that starts six floats in

        float* memory = FloatMemory.Of(rows);

        Assert.Equal(6f, memory[0]);
        Assert.Equal(11f, memory[5]);
    }

    [Fact]
    public void A_strided_tensor_is_refused()
    {
        var transposed = zeros(3, 4).t();

        var error = Assert.Throws<ArgumentException>(() => (nint)FloatMemory.Of(transposed));

        Assert.Contains("strided", error.Message);
    }
}
