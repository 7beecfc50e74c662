using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch.autograd;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// x / sqrt(mean(x²) + eps) over the last axis, as one pass forward (the inverse root kept per
/// row) and one backward: dx = r·dy − x·r³·mean(dy·x). The learned scale is left to the product
/// that follows, or applied here when it is frozen (LoRA's), which needs no gradient for it: then
/// dy is scaled first. Computed in float32; the result may be rounded to bfloat16 as it is
/// written, for a bfloat16 product to read as it is (its gradient then comes back in bfloat16 and
/// is widened a row at a time).
/// </summary>
internal sealed unsafe class FusedRmsNorm : SingleTensorFunction<FusedRmsNorm>
{
    public override string Name => nameof(FusedRmsNorm);

    /// <param name="type">The result's type: float32 (as <paramref name="x"/>) or bfloat16.</param>
    /// <param name="frozenScale">A scale per feature that takes no gradient, applied before rounding; null: none.</param>
    public static Tensor Apply(Tensor x, double eps, HandedOverGradients handedOver, ScalarType type = ScalarType.Float32, Tensor? frozenScale = null)
    {
        if (frozenScale is { requires_grad: true })
            throw new ArgumentException("the norm applies only a scale that takes no gradient", nameof(frozenScale));
        return frozenScale is null ? apply(x, eps, handedOver, type) : apply(x, eps, handedOver, type, frozenScale.detach().contiguous());
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        float eps = (float)(double)vars[1];
        long size = x.shape[^1], rows = x.numel() / size;
        var y = empty_like(x, dtype: (ScalarType)vars[3]);
        var inverse = empty(rows, dtype: float32);
        var scale = vars.Length > 4 ? (Tensor)vars[4] : null;
        bool narrow = y.dtype == bfloat16;
        float* px = FloatMemory.Of(x), py = narrow ? null : FloatMemory.Of(y), pr = FloatMemory.Of(inverse);
        float* ps = scale is null ? null : FloatMemory.Of(scale);
        ushort* py16 = narrow ? FloatMemory.BFloat16Of(y) : null;
        FusedKernels.ForRows(rows, size, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            var rounded = narrow ? new float[size] : null;
            fixed (float* buffer = rounded)
                for (long row = start; row < end; row++)
                {
                    float* input = px + row * size, result = narrow ? buffer : py + row * size;
                    float r = 1f / MathF.Sqrt(Dot(input, input, (int)size) / size + eps);
                    pr[row] = r;
                    Scale(input, r, result, (int)size);
                    if (ps != null)
                        Multiply(result, ps, result, (int)size);
                    if (narrow)
                        BFloat16Rows.Narrow(rounded, new Span<ushort>(py16 + row * size, (int)size));
                }
        });
        ctx.save_for_backward(scale is null ? [x, inverse] : [x, inverse, scale]);
        ctx.save_data(nameof(HandedOverGradients), vars[2]);
        return y;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        using var scope = new BackwardScope((HandedOverGradients)ctx.get_data(nameof(HandedOverGradients)), gradient);
        var saved = ctx.get_saved_variables();
        var (x, inverse) = (saved[0], saved[1]);
        var dy = gradient.contiguous();
        long size = x.shape[^1], rows = x.numel() / size;
        var dx = empty_like(x);
        bool narrow = dy.dtype == bfloat16;
        float* px = FloatMemory.Of(x), pdy = narrow ? null : FloatMemory.Of(dy), pdx = FloatMemory.Of(dx), pr = FloatMemory.Of(inverse);
        float* ps = saved.Count > 2 ? FloatMemory.Of(saved[2]) : null;
        ushort* pdy16 = narrow ? FloatMemory.BFloat16Of(dy) : null;
        FusedKernels.ForRows(rows, 2 * size, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            // The gradient at the normalized values: dy, widened and scaled where asked, in a row's buffer.
            var widened = narrow || ps != null ? new float[size] : null;
            fixed (float* buffer = widened)
                for (long row = start; row < end; row++)
                {
                    float* input = px + row * size, upstream = widened is null ? pdy + row * size : buffer;
                    if (narrow)
                        BFloat16Rows.Widen(new ReadOnlySpan<ushort>(pdy16 + row * size, (int)size), widened);
                    if (ps != null)
                        Multiply(narrow ? buffer : pdy + row * size, ps, buffer, (int)size);
                    float r = pr[row];
                    float c = Dot(upstream, input, (int)size) * r * r * r / size;
                    ScaleSubtract(upstream, r, input, c, pdx + row * size, (int)size);
                }
        });
        return ps == null ? scope.Results(dx, null, null, null) : scope.Results(dx, null, null, null, null);
    }

    // Pointers rather than span slices: at 8 floats a vector a row of 256 is 32 steps, and a
    // slice's bounds check each step cost more than the arithmetic. Four sums in turn, not one,
    // so each add need not wait for the one before it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Dot(float* a, float* b, int length)
    {
        Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int i = 0, width = Vector<float>.Count;
        for (; i <= length - 4 * width; i += 4 * width)
        {
            s0 = Vector.FusedMultiplyAdd(Vector.Load(a + i), Vector.Load(b + i), s0);
            s1 = Vector.FusedMultiplyAdd(Vector.Load(a + i + width), Vector.Load(b + i + width), s1);
            s2 = Vector.FusedMultiplyAdd(Vector.Load(a + i + 2 * width), Vector.Load(b + i + 2 * width), s2);
            s3 = Vector.FusedMultiplyAdd(Vector.Load(a + i + 3 * width), Vector.Load(b + i + 3 * width), s3);
        }
        for (; i <= length - width; i += width)
            s0 = Vector.FusedMultiplyAdd(Vector.Load(a + i), Vector.Load(b + i), s0);
        float total = Vector.Sum(s0 + s1 + (s2 + s3));
        for (; i < length; i++)
            total += a[i] * b[i];
        return total;
    }

    /// <summary>result = a · s, elementwise (in place where they are one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Scale(float* a, float s, float* result, int length)
    {
        int i = 0, width = Vector<float>.Count;
        var vs = new Vector<float>(s);
        for (; i <= length - width; i += width)
            Vector.Store(Vector.Load(a + i) * vs, result + i);
        for (; i < length; i++)
            result[i] = a[i] * s;
    }

    /// <summary>result = a ⊙ b, elementwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(float* a, float* b, float* result, int length)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= length - width; i += width)
            Vector.Store(Vector.Load(a + i) * Vector.Load(b + i), result + i);
        for (; i < length; i++)
            result[i] = a[i] * b[i];
    }

    /// <summary>result = a·s − b·t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleSubtract(float* a, float s, float* b, float t, float* result, int length)
    {
        int i = 0, width = Vector<float>.Count;
        var (vs, vt) = (new Vector<float>(s), new Vector<float>(t));
        for (; i <= length - width; i += width)
            Vector.Store(Vector.FusedMultiplyAdd(Vector.Load(a + i), vs, -(Vector.Load(b + i) * vt)), result + i);
        for (; i < length; i++)
            result[i] = a[i] * s - b[i] * t;
    }
}
