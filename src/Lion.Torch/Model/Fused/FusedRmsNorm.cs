using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// x / sqrt(mean(x²) + eps) over the last axis, before the learned scale, as one pass forward
/// (the inverse root kept per row) and one backward: dx = r·dy − x·r³·mean(dy·x).
/// </summary>
internal sealed unsafe class FusedRmsNorm : SingleTensorFunction<FusedRmsNorm>
{
    public override string Name => nameof(FusedRmsNorm);

    public static Tensor Apply(Tensor x, double eps) => apply(x, eps);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        float eps = (float)(double)vars[1];
        long size = x.shape[^1], rows = x.numel() / size;
        var y = empty_like(x);
        var inverse = empty(rows, dtype: float32);
        float* px = FloatMemory.Of(x), py = FloatMemory.Of(y), pr = FloatMemory.Of(inverse);
        FusedKernels.ForRows(rows, size, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            for (long row = start; row < end; row++)
            {
                var input = new ReadOnlySpan<float>(px + row * size, (int)size);
                float r = 1f / MathF.Sqrt(Dot(input, input) / size + eps);
                pr[row] = r;
                Scale(input, r, new Span<float>(py + row * size, (int)size));
            }
        });
        ctx.save_for_backward([x, inverse]);
        return y;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        var saved = ctx.get_saved_variables();
        var (x, inverse) = (saved[0], saved[1]);
        var dy = gradient.contiguous();
        long size = x.shape[^1], rows = x.numel() / size;
        var dx = empty_like(x);
        float* px = FloatMemory.Of(x), pdy = FloatMemory.Of(dy), pdx = FloatMemory.Of(dx), pr = FloatMemory.Of(inverse);
        FusedKernels.ForRows(rows, 2 * size, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            for (long row = start; row < end; row++)
            {
                var input = new ReadOnlySpan<float>(px + row * size, (int)size);
                var upstream = new ReadOnlySpan<float>(pdy + row * size, (int)size);
                float r = pr[row];
                float c = Dot(upstream, input) * r * r * r / size;
                ScaleSubtract(upstream, r, input, c, new Span<float>(pdx + row * size, (int)size));
            }
        });
        return [dx, null!];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        int i = 0, width = Vector<float>.Count;
        for (; i <= a.Length - width; i += width)
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float total = Vector.Sum(sum);
        for (; i < a.Length; i++)
            total += a[i] * b[i];
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scale(ReadOnlySpan<float> a, float s, Span<float> result)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= a.Length - width; i += width)
            (new Vector<float>(a[i..]) * s).CopyTo(result[i..]);
        for (; i < a.Length; i++)
            result[i] = a[i] * s;
    }

    /// <summary>result = a·s − b·t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleSubtract(ReadOnlySpan<float> a, float s, ReadOnlySpan<float> b, float t, Span<float> result)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= a.Length - width; i += width)
            (new Vector<float>(a[i..]) * s - new Vector<float>(b[i..]) * t).CopyTo(result[i..]);
        for (; i < a.Length; i++)
            result[i] = a[i] * s - b[i] * t;
    }
}
