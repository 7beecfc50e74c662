using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// bfloat16 rows for the kernels that read a bfloat16 product or write its gradient (under
/// <see cref="ModelCompute.BFloat16"/>): a row is widened to float32 (exactly: bfloat16 is float32's upper
/// half), worked on as float32, and its result rounded back as libtorch rounds (to nearest, ties
/// to even; NaN as 0xFFFF). Each row is converted in a core's cache, so the tensors cross memory at
/// two bytes an element instead of being converted by a pass of their own.
/// </summary>
internal static unsafe class BFloat16Rows
{
    /// <summary>A copy of a bfloat16 tensor's bits.</summary>
    public static ushort[] Bits(Tensor tensor) => new ReadOnlySpan<ushort>(FloatMemory.BFloat16Of(tensor.contiguous()), (int)tensor.numel()).ToArray();

    /// <summary>
    /// Whether every element of a contiguous float32 tensor is a bfloat16 value already (its lower
    /// half zero): then <see cref="Narrowed"/> and <see cref="Widened"/> carry it there and back bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool HoldsOnlyBFloat16(Tensor tensor)
    {
        if (tensor.numel() > int.MaxValue)
            return false;
        var bits = new ReadOnlySpan<uint>(FloatMemory.Of(tensor), (int)tensor.numel());
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lowerHalves = Vector512<uint>.Zero;
            for (; i <= bits.Length - Vector512<uint>.Count; i += Vector512<uint>.Count)
            {
                lowerHalves |= Vector512.Create(bits[i..]) & Vector512.Create(0xFFFFu);
                // Checked now and then, so a float32 tensor is told apart in its first rows.
                if ((i & 0xFFFF) == 0 && lowerHalves != Vector512<uint>.Zero)
                    return false;
            }
            if (lowerHalves != Vector512<uint>.Zero)
                return false;
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var lowerHalves = Vector<uint>.Zero;
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                lowerHalves |= new Vector<uint>(bits[i..]) & new Vector<uint>(0xFFFFu);
                if ((i & 0xFFFF) == 0 && lowerHalves != Vector<uint>.Zero)
                    return false;
            }
            if (lowerHalves != Vector<uint>.Zero)
                return false;
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & 0xFFFF) != 0)
                return false;
        return true;
    }

    /// <summary>A bfloat16 copy of a contiguous float32 tensor, rounded as libtorch rounds.</summary>
    public static Tensor Narrowed(Tensor tensor)
    {
        var copy = empty(tensor.shape, ScalarType.BFloat16);
        Training.GlibcHeap.PreferHugePages((nint)FloatMemory.BFloat16Of(copy), copy.numel() * sizeof(ushort));
        Narrow(new ReadOnlySpan<float>(FloatMemory.Of(tensor), (int)tensor.numel()), new Span<ushort>(FloatMemory.BFloat16Of(copy), (int)copy.numel()));
        return copy;
    }

    /// <summary>A float32 copy of a contiguous bfloat16 tensor (exact).</summary>
    public static Tensor Widened(Tensor tensor)
    {
        var copy = empty(tensor.shape, ScalarType.Float32);
        Training.GlibcHeap.PreferHugePages((nint)FloatMemory.Of(copy), copy.numel() * sizeof(float));
        Widen(new ReadOnlySpan<ushort>(FloatMemory.BFloat16Of(tensor), (int)tensor.numel()), new Span<float>(FloatMemory.Of(copy), (int)copy.numel()));
        return copy;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<ushort> source, Span<float> target)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.Create(source[i..]));
                (lower << 16).AsSingle().CopyTo(target[i..]);
                (upper << 16).AsSingle().CopyTo(target[(i + Vector512<uint>.Count)..]);
            }
        }
        for (; i < source.Length; i++)
            target[i] = BitConverter.UInt32BitsToSingle((uint)source[i] << 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow(ReadOnlySpan<float> source, Span<ushort> target)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
            {
                var lower = Round(Vector512.Create(source[i..]));
                var upper = Round(Vector512.Create(source[(i + Vector512<float>.Count)..]));
                Vector512.Narrow(lower, upper).CopyTo(target[i..]);
            }
        }
        for (; i < source.Length; i++)
            target[i] = Round(source[i]);
    }

    private static ushort Round(float value)
    {
        if (float.IsNaN(value))
            return 0xFFFF;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round(Vector512<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        return Vector512.ConditionalSelect(Vector512.Equals(value, value).AsUInt32(), rounded, Vector512.Create(0xFFFFu));
    }
}
