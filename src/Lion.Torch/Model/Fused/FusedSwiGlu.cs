using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch.autograd;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// silu(gate) · up, where gate and up are the two halves of one product's last axis, as one pass
/// forward and one backward that writes both halves' gradients into the product's gradient
/// (libtorch: silu, mul, and in backward two muls, silu's backward and the halves' concatenation).
/// A bfloat16 product (under <see cref="ModelCompute.BFloat16"/>) gives a bfloat16 result, the down projection's
/// input, and gets a bfloat16 gradient, the gate and up projection's: computed in float32 a row
/// at a time, rounded where the casts around a float32 kernel would round.
/// </summary>
internal sealed unsafe class FusedSwiGlu : SingleTensorFunction<FusedSwiGlu>
{
    public override string Name => nameof(FusedSwiGlu);

    public static Tensor Apply(Tensor gateAndUp, HandedOverGradients handedOver) => apply(gateAndUp, handedOver);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var both = ((Tensor)vars[0]).contiguous();
        int width = (int)both.shape[^1] / 2;
        long rows = both.numel() / (2 * width);
        var h = empty([.. both.shape[..^1], width], dtype: both.dtype);
        if (both.dtype == bfloat16)
        {
            ushort* pb = FloatMemory.BFloat16Of(both), ph = FloatMemory.BFloat16Of(h);
            FusedKernels.ForRows(rows, 3 * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
            {
                // gate, up, h
                var row = new float[3 * width];
                fixed (float* p = row)
                    for (long r = start; r < end; r++)
                    {
                        BFloat16Rows.Widen(new ReadOnlySpan<ushort>(pb + r * 2 * width, 2 * width), row.AsSpan(0, 2 * width));
                        Forward(p, p + width, p + 2 * width, width);
                        BFloat16Rows.Narrow(row.AsSpan(2 * width), new Span<ushort>(ph + r * width, width));
                    }
            });
        }
        else
        {
            float* pb = FloatMemory.Of(both), ph = FloatMemory.Of(h);
            FusedKernels.ForRows(rows, 3 * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
            {
                for (long r = start; r < end; r++)
                    Forward(pb + r * 2 * width, pb + r * 2 * width + width, ph + r * width, width);
            });
        }
        ctx.save_for_backward([both]);
        ctx.save_data(nameof(HandedOverGradients), vars[1]);
        return h;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        using var scope = new BackwardScope((HandedOverGradients)ctx.get_data(nameof(HandedOverGradients)), gradient);
        var both = ctx.get_saved_variables()[0];
        var dh = gradient.to(both.dtype).contiguous();
        int width = (int)both.shape[^1] / 2;
        long rows = both.numel() / (2 * width);
        var dboth = empty_like(both);
        if (both.dtype == bfloat16)
        {
            ushort* pb = FloatMemory.BFloat16Of(both), pdh = FloatMemory.BFloat16Of(dh), pd = FloatMemory.BFloat16Of(dboth);
            FusedKernels.ForRows(rows, 5 * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
            {
                // gate, up, dh, d gate, d up
                var row = new float[5 * width];
                fixed (float* p = row)
                    for (long r = start; r < end; r++)
                    {
                        BFloat16Rows.Widen(new ReadOnlySpan<ushort>(pb + r * 2 * width, 2 * width), row.AsSpan(0, 2 * width));
                        BFloat16Rows.Widen(new ReadOnlySpan<ushort>(pdh + r * width, width), row.AsSpan(2 * width, width));
                        Backward(p, p + width, p + 2 * width, p + 3 * width, p + 4 * width, width);
                        BFloat16Rows.Narrow(row.AsSpan(3 * width), new Span<ushort>(pd + r * 2 * width, 2 * width));
                    }
            });
        }
        else
        {
            float* pb = FloatMemory.Of(both), pdh = FloatMemory.Of(dh), pd = FloatMemory.Of(dboth);
            FusedKernels.ForRows(rows, 5 * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
            {
                for (long r = start; r < end; r++)
                {
                    long at = r * 2 * width;
                    Backward(pb + at, pb + at + width, pdh + r * width, pd + at, pd + at + width, width);
                }
            });
        }
        return scope.Results(dboth, null);
    }

    // Pointers rather than span slices: a slice's bounds check each vector cost more than the
    // arithmetic at 8 floats a vector.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(float* gate, float* up, float* h, int length)
    {
        int i = 0, width = Vector<float>.Count;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var g = Vector512.Load(gate + i);
                (g * Math512.Sigmoid(g) * Vector512.Load(up + i)).Store(h + i);
            }
        }
        for (; i <= length - width; i += width)
        {
            var g = Vector.Load(gate + i);
            Vector.Store(g * MathVector.Sigmoid(g) * Vector.Load(up + i), h + i);
        }
        for (; i < length; i++)
            h[i] = gate[i] / (1 + MathF.Exp(-gate[i])) * up[i];
    }

    /// <summary>With s = sigmoid(g): d gate = dh·u·s·(1 + g·(1 − s)), d up = dh·g·s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward(float* gate, float* up, float* dh, float* dgate, float* dup, int length)
    {
        int i = 0, width = Vector<float>.Count;
        if (Vector512.IsHardwareAccelerated)
        {
            var one512 = Vector512<float>.One;
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var g = Vector512.Load(gate + i);
                var s = Math512.Sigmoid(g);
                var d = Vector512.Load(dh + i);
                (d * Vector512.Load(up + i) * s * (one512 + g * (one512 - s))).Store(dgate + i);
                (d * g * s).Store(dup + i);
            }
        }
        var one = Vector<float>.One;
        for (; i <= length - width; i += width)
        {
            var g = Vector.Load(gate + i);
            var s = MathVector.Sigmoid(g);
            var d = Vector.Load(dh + i);
            Vector.Store(d * Vector.Load(up + i) * s * (one + g * (one - s)), dgate + i);
            Vector.Store(d * g * s, dup + i);
        }
        for (; i < length; i++)
        {
            float g = gate[i], s = 1 / (1 + MathF.Exp(-g));
            dgate[i] = dh[i] * up[i] * s * (1 + g * (1 - s));
            dup[i] = dh[i] * g * s;
        }
    }
}
