using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch.autograd;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// From one product's queries, keys and values ([batch, length, (heads + 2·kv heads)·head dim]) to
/// the layout of <see cref="FusedCausalAttention"/>: keys and values as [batch, kv heads, length,
/// head dim], and the queries of each key head's group side by side at each position, [batch, kv
/// heads, length · group, head dim]; queries and keys rotated (Hugging Face's rotate_half layout).
/// One pass forward and one backward, which writes the product's gradient directly; libtorch
/// takes a split, transposes, the rotation's five operations a tensor, the repeats of keys and
/// values, and in backward as many again and a concatenation. A bfloat16 product
/// (under <see cref="ModelCompute.BFloat16"/>) is read as it is, its queries, keys and values are
/// bfloat16 for attention's products, and the gradients of both are bfloat16.
/// </summary>
internal sealed unsafe class FusedRotaryHeads : MultiTensorFunction<FusedRotaryHeads>
{
    public override string Name => nameof(FusedRotaryHeads);

    public static (Tensor Q, Tensor K, Tensor V) Apply(Tensor qkv, Tensor cos, Tensor sin, int heads, int kvHeads, HandedOverGradients handedOver)
    {
        var outputs = apply(qkv, cos, sin, heads, kvHeads, handedOver);
        return (outputs[0], outputs[1], outputs[2]);
    }

    private readonly record struct Shape(long Batch, long Length, int Heads, int KvHeads, int Dim)
    {
        public long Width => (Heads + 2L * KvHeads) * Dim;

        public int Group => Heads / KvHeads;

        /// <summary>The start of query head h's row at position t of sequence b in the grouped queries.</summary>
        public long Query(long b, long h, long t) => (((b * KvHeads + h / Group) * Length + t) * Group + h % Group) * Dim;

        /// <summary>The start of key head j's row at position t of sequence b in a [batch, kv heads, length, dim] tensor.</summary>
        public long Key(long b, long j, long t) => ((b * KvHeads + j) * Length + t) * Dim;
    }

    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var qkv = ((Tensor)vars[0]).contiguous();
        var (cos, sin) = (((Tensor)vars[1]).contiguous(), ((Tensor)vars[2]).contiguous());
        int heads = (int)vars[3], kvHeads = (int)vars[4];
        var shape = new Shape(qkv.shape[0], qkv.shape[1], heads, kvHeads, (int)cos.shape[^1]);
        // In the product's type: attention's products read them as they are (a bfloat16 product's
        // rows are widened, rotated as float32 and rounded back).
        var type = qkv.dtype == bfloat16 ? bfloat16 : float32;
        var q = empty([shape.Batch, kvHeads, shape.Length * shape.Group, shape.Dim], dtype: type);
        long[] keysShape = [shape.Batch, kvHeads, shape.Length, shape.Dim];
        var (k, v) = (empty(keysShape, dtype: type), empty(keysShape, dtype: type));
        var input = new Rows(qkv);
        float* pc = FloatMemory.Of(cos), ps = FloatMemory.Of(sin);
        var (pq, pk, pv) = (new Rows(q), new Rows(k), new Rows(v));
        int dim = shape.Dim, width = (int)shape.Width;
        FusedKernels.ForRows(shape.Batch * shape.Length, 3 * shape.Width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            var (widened, rotated) = (new float[width], new float[dim]);
            for (long row = start; row < end; row++)
            {
                long b = row / shape.Length, t = row % shape.Length;
                var source = input.Read(row * width, widened);
                var c = new ReadOnlySpan<float>(pc + t * dim, dim);
                var s = new ReadOnlySpan<float>(ps + t * dim, dim);
                for (int h = 0; h < heads; h++)
                {
                    long at = shape.Query(b, h, t);
                    var y = pq.Target(at, rotated);
                    Rotate(source.Slice(h * dim, dim), c, s, y);
                    pq.Written(at, y);
                }
                for (int j = 0; j < kvHeads; j++)
                {
                    long at = shape.Key(b, j, t);
                    var y = pk.Target(at, rotated);
                    Rotate(source.Slice((heads + j) * dim, dim), c, s, y);
                    pk.Written(at, y);
                    y = pv.Target(at, rotated);
                    source.Slice((heads + kvHeads + j) * dim, dim).CopyTo(y);
                    pv.Written(at, y);
                }
            }
        });
        ctx.save_data("Type", qkv.dtype);
        ctx.save_for_backward([cos, sin]);
        ctx.save_data(nameof(Shape), shape);
        ctx.save_data(nameof(HandedOverGradients), vars[5]);
        return [q, k, v];
    }

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> gradients)
    {
        using var scope = new BackwardScope((HandedOverGradients)ctx.get_data(nameof(HandedOverGradients)), gradients);
        var saved = ctx.get_saved_variables();
        var shape = (Shape)ctx.get_data(nameof(Shape));
        var (dq, dk, dv) = (gradients[0].contiguous(), gradients[1].contiguous(), gradients[2].contiguous());
        var type = (ScalarType)ctx.get_data("Type");
        // The product's gradient in its type, a row at a time.
        var dqkv = empty(shape.Batch, shape.Length, shape.Width, dtype: type);
        var output = new Rows(dqkv);
        float* pc = FloatMemory.Of(saved[0]), ps = FloatMemory.Of(saved[1]);
        var (pq, pk, pv) = (new Rows(dq), new Rows(dk), new Rows(dv));
        int dim = shape.Dim, heads = shape.Heads, kvHeads = shape.KvHeads, width = (int)shape.Width;
        FusedKernels.ForRows(shape.Batch * shape.Length, 3 * shape.Width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            var (buffer, widened) = (new float[width], new float[dim]);
            for (long row = start; row < end; row++)
            {
                long b = row / shape.Length, t = row % shape.Length;
                var gradient = output.Target(row * width, buffer);
                var c = new ReadOnlySpan<float>(pc + t * dim, dim);
                var s = new ReadOnlySpan<float>(ps + t * dim, dim);
                for (int h = 0; h < heads; h++)
                    RotateBack(pq.Read(shape.Query(b, h, t), widened), c, s, gradient.Slice(h * dim, dim));
                for (int j = 0; j < kvHeads; j++)
                {
                    long at = shape.Key(b, j, t);
                    RotateBack(pk.Read(at, widened), c, s, gradient.Slice((heads + j) * dim, dim));
                    pv.Read(at, widened).CopyTo(gradient.Slice((heads + kvHeads + j) * dim, dim));
                }
                output.Written(row * width, gradient);
            }
        });
        return scope.Results(dqkv, null, null, null, null, null);
    }

    /// <summary>
    /// A contiguous float32 or bfloat16 tensor's rows as float32: read in place or widened into a
    /// buffer; written in place, or into the buffer and then rounded.
    /// </summary>
    private readonly struct Rows(Tensor tensor)
    {
        private readonly float* _floats = tensor.dtype == bfloat16 ? null : FloatMemory.Of(tensor);
        private readonly ushort* _narrow = tensor.dtype == bfloat16 ? FloatMemory.BFloat16Of(tensor) : null;

        /// <summary>The buffer's length of elements from <paramref name="at"/>.</summary>
        public ReadOnlySpan<float> Read(long at, Span<float> buffer)
        {
            if (_narrow == null)
                return new ReadOnlySpan<float>(_floats + at, buffer.Length);
            BFloat16Rows.Widen(new ReadOnlySpan<ushort>(_narrow + at, buffer.Length), buffer);
            return buffer;
        }

        /// <summary>Where to write the buffer's length of elements from <paramref name="at"/>; <see cref="Written"/> after.</summary>
        public Span<float> Target(long at, Span<float> buffer) => _narrow == null ? new Span<float>(_floats + at, buffer.Length) : buffer;

        /// <summary>Rounds what was written to a <see cref="Target"/> into the tensor where it is bfloat16.</summary>
        public void Written(long at, Span<float> target)
        {
            if (_narrow != null)
                BFloat16Rows.Narrow(target, new Span<ushort>(_narrow + at, target.Length));
        }
    }

    /// <summary>y = x·cos + rotate_half(x)·sin, rotate_half(x) = (−x₂, x₁).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rotate(ReadOnlySpan<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, Span<float> y)
    {
        int half = x.Length / 2;
        Pair(x[..half], x[half..], cos[..half], sin[..half], y[..half], negate: true);
        Pair(x[half..], x[..half], cos[half..], sin[half..], y[half..], negate: false);
    }

    /// <summary>The transpose of <see cref="Rotate"/>: dx₁ = dy₁·cos₁ + dy₂·sin₂, dx₂ = dy₂·cos₂ − dy₁·sin₁.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RotateBack(ReadOnlySpan<float> dy, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, Span<float> dx)
    {
        int half = dy.Length / 2;
        Pair(dy[..half], dy[half..], cos[..half], sin[half..], dx[..half], negate: false);
        Pair(dy[half..], dy[..half], cos[half..], sin[..half], dx[half..], negate: true);
    }

    /// <summary>y = a·cos ∓ b·sin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pair(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, Span<float> y, bool negate)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= a.Length - width; i += width)
        {
            var product = new Vector<float>(b[i..]) * new Vector<float>(sin[i..]);
            var first = new Vector<float>(a[i..]) * new Vector<float>(cos[i..]);
            (negate ? first - product : first + product).CopyTo(y[i..]);
        }
        for (; i < a.Length; i++)
            y[i] = negate ? a[i] * cos[i] - b[i] * sin[i] : a[i] * cos[i] + b[i] * sin[i];
    }
}
