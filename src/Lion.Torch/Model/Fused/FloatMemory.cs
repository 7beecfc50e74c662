using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>The float32 storage of a contiguous CPU tensor, for the fused kernels to read and write in place.</summary>
internal static unsafe class FloatMemory
{
    public static float* Of(Tensor tensor)
    {
        if (tensor.dtype != float32 || !tensor.is_contiguous() || tensor.device_type != DeviceType.CPU)
            throw new ArgumentException($"A fused kernel needs a contiguous float32 CPU tensor, got {tensor.dtype} {(tensor.is_contiguous() ? "contiguous" : "strided")} on {tensor.device}");
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
    }

    /// <summary>Whether <paramref name="tensor"/> can take the fused path (the rest take libtorch's).</summary>
    public static bool Fits(Tensor tensor) => FusedKernels.OnThisThread && tensor.dtype == float32 && tensor.device_type == DeviceType.CPU;
}
