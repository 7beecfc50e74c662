using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>The storage of a contiguous CPU tensor, for the fused kernels to read and write in place.</summary>
internal static unsafe class FloatMemory
{
    public static float* Of(Tensor tensor) => (float*)Storage(tensor, float32);

    /// <summary>The bfloat16 storage of a contiguous CPU tensor (<see cref="BFloat16Rows"/> converts it).</summary>
    public static ushort* BFloat16Of(Tensor tensor) => (ushort*)Storage(tensor, bfloat16);

    /// <summary>The storage of a contiguous CPU boolean tensor, one byte each.</summary>
    public static byte* BooleansOf(Tensor tensor) => (byte*)Storage(tensor, ScalarType.Bool);

    /// <summary>The storage of a contiguous CPU int64 tensor (token ids, positions).</summary>
    public static long* Int64sOf(Tensor tensor) => (long*)Storage(tensor, ScalarType.Int64);

    private static void* Storage(Tensor tensor, ScalarType type)
    {
        if (tensor.dtype != type || !tensor.is_contiguous() || tensor.device_type != DeviceType.CPU)
            throw new ArgumentException($"A fused kernel needs a contiguous {type} CPU tensor, got {tensor.dtype} {(tensor.is_contiguous() ? "contiguous" : "strided")} on {tensor.device}");
        return Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
    }
}
