using System.Numerics;
using System.Runtime.Intrinsics;
using Lion.Torch.Model.Fused;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedKernelsTests
{
    [Fact]
    public void The_kernels_take_the_widest_vectors_the_runtime_accelerates_or_128_bits_when_held_there()
    {
        // CI runs the kernels' tests a second time held to Arm's width (.ci/run): that run must be at it.
        if (Environment.GetEnvironmentVariable("DOTNET_MaxVectorTBitWidth") == "128")
            Assert.Equal(128, FusedKernels.VectorBits);
        else
            Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : Vector<float>.Count * 32, FusedKernels.VectorBits);
    }

    [Fact]
    public void Every_kernel_is_taken_by_default_wherever_there_is_a_vector_unit()
    {
        Assert.Equal(FusedKernels.VectorBits >= 128 ? Enum.GetValues<FusedKernel>().ToHashSet() : [], FusedKernels.Measured.ToHashSet());
    }
}
