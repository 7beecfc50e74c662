using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch.autograd;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// Causal attention, softmax(q·kᵀ/√d + causal mask)·v, over whole sequences, with grouped
/// queries: keys and values are [batch, key heads, length, head dim], and the queries of each key
/// head's group stand side by side at each position, [batch, key heads, length · group, head dim]
/// (row t·group + g is query head kv·group + g at position t), so a group's queries meet their one
/// key head in one product, twice as tall for groups of two, and the keys are never repeated. The
/// output is laid out as the queries. The products are libtorch batched products, the softmax and
/// its gradient one C# pass over a tile of scores. Queries go in blocks of <see cref="Block"/>
/// positions, each against the keys up to its own end only, so the products skip most of what
/// the mask throws away. Short sequences keep the probabilities for backward; longer ones keep,
/// as flash attention does, each row's log-sum-exp and compute them again, so that memory grows
/// with the length, not its square (<see cref="KeptProbabilitiesAtMost"/>). Inside an <see cref="ModelCompute.BFloat16"/> bfloat16 scope every
/// product is bfloat16, the scores included (as PyTorch's autocast computes attention by explicit
/// products); the softmax widens each row to float32 and rounds the probabilities and their
/// gradient back; the output is bfloat16 for the output projection, and each gradient comes back
/// in its input's type (keys' and values' summed over the blocks in float32 first). libtorch's CPU flash attention, which it replaces in training, does its
/// products in small float32 tiles and has no fast bfloat16 path (docs/student.md has the timings).
/// </summary>
internal sealed unsafe class FusedCausalAttention : MultiTensorFunction<FusedCausalAttention>
{
    /// <summary>Query positions a block: smaller skips more of the masked square, larger makes fuller products.</summary>
    public const int Block = 64;

    /// <summary>
    /// Scores a tile at most: (batch, head) pairs go this many scores at a time. Smaller tiles stay
    /// in cache but pay each product's set-up (a oneDNN primitive for bfloat16) more often, which
    /// measured slower.
    /// </summary>
    public const long ScoresAtOnce = 1 << 20;

    /// <summary>Scores a call keeps from forward to backward at most (64 MB in float32).</summary>
    public const long KeptProbabilitiesAtMost = 1 << 24;

    public override string Name => nameof(FusedCausalAttention);

    /// <param name="q">Grouped queries, [batch, key heads, length · group, head dim].</param>
    /// <param name="k">Keys, [batch, key heads, length, head dim].</param>
    /// <param name="v">Values, as the keys.</param>
    /// <param name="compute">The model's: its products in bfloat16 or not, and where the backward's gradients are handed over.</param>
    public static Tensor Apply(Tensor q, Tensor k, Tensor v, ModelCompute compute) => Apply(q, k, v, compute, KeptProbabilitiesAtMost);

    /// <param name="keptAtMost">The most scores forward keeps for backward (<see cref="KeptProbabilitiesAtMost"/>); 0 computes them again.</param>
    internal static Tensor Apply(Tensor q, Tensor k, Tensor v, ModelCompute compute, long keptAtMost) =>
        apply(q, k, v, compute.InBFloat16, keptAtMost, compute.HandedOver)[0];

    /// <summary>Key heads and their positions; each position has <paramref name="Group"/> query rows.</summary>
    private readonly record struct Shape(long Batch, long Heads, long Length, long Group, long Dim, bool BFloat16, long KeptAtMost)
    {
        public long Pairs => Batch * Heads;

        public long QueryRows => Length * Group;

        public float Scale => 1f / MathF.Sqrt(Dim);

        /// <summary>
        /// Whether forward keeps its probability tiles for backward, which then needs neither the
        /// scores' product nor their exponentials again: while they are at most
        /// <see cref="KeptAtMost"/> scores (short sequences, where those two are a visible share of
        /// a step); longer sequences compute them again, as flash attention does.
        /// </summary>
        public bool KeepsProbabilities
        {
            get
            {
                long group = Group;
                return Tiles().Sum(t => t.Count * t.Rows * group * (t.Start + t.Rows)) <= KeptAtMost;
            }
        }

        /// <summary>Each chunk of pairs and each block of query positions in it: the first pair and their count, the first position and their count.</summary>
        public IEnumerable<(long First, long Count, long Start, long Rows)> Tiles()
        {
            long pairsAtOnce = Math.Max(1, ScoresAtOnce / (Block * Group * Length));
            for (long first = 0; first < Pairs; first += pairsAtOnce)
                for (long start = 0; start < Length; start += Block)
                    yield return (first, Math.Min(pairsAtOnce, Pairs - first), start, Math.Min(Block, Length - start));
        }

        public ScalarType OperandType => BFloat16 ? bfloat16 : float32;

        /// <summary>[pairs, rows, head dim] in the type the products take.</summary>
        public Tensor Operand(Tensor x) => x.view(Pairs, -1, Dim).to(OperandType);
    }

    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var (q, k, v) = (((Tensor)vars[0]).contiguous(), ((Tensor)vars[1]).contiguous(), ((Tensor)vars[2]).contiguous());
        if (q.shape[2] % k.shape[2] != 0 || q.shape[1] != k.shape[1])
            throw new ArgumentException($"grouped queries {string.Join('×', q.shape)} do not fit keys {string.Join('×', k.shape)}");
        var shape = new Shape(k.shape[0], k.shape[1], k.shape[2], q.shape[2] / k.shape[2], k.shape[3], (bool)vars[3], (long)vars[4]);
        // In the products' type: the output projection reads it as it is, and its gradient comes back so.
        var output = empty(shape.Pairs, shape.QueryRows, shape.Dim, dtype: shape.OperandType);
        var logSumExp = empty(shape.Pairs, shape.QueryRows, dtype: float32);
        var kept = new List<Tensor>();
        bool keeps = shape.KeepsProbabilities;
        // Backward reads q, k and v as the products take them: kept in that type, they are cast once.
        var (queries, keys, values) = (shape.Operand(q), shape.Operand(k), shape.Operand(v));
        using (NewDisposeScope())
        {
            foreach (var (first, count, start, rows) in shape.Tiles())
            {
                using var tile = NewDisposeScope();
                Tensor Rows(Tensor x) => x.narrow(0, first, count).narrow(1, start * shape.Group, rows * shape.Group);
                Tensor Keys(Tensor x) => x.narrow(0, first, count).narrow(1, 0, start + rows);
                var scores = bmm(Rows(queries), Transposed(Keys(keys)));
                Softmax(scores, logSumExp.narrow(0, first, count), start, shape);
                Rows(output).copy_(bmm(scores, Keys(values)));
                if (keeps)
                    kept.Add(scores.MoveToOuterDisposeScope());
            }
            // Into the caller's scope with q, k and v: alive until autograd has saved them.
            foreach (var probabilities in kept)
                probabilities.MoveToOuterDisposeScope();
        }
        var grouped = output.view(q.shape);
        ctx.save_for_backward([queries, keys, values, grouped, logSumExp, .. kept]);
        ctx.save_data(nameof(Shape), shape);
        ctx.save_data("Types", new[] { q.dtype, k.dtype, v.dtype });
        ctx.save_data(nameof(HandedOverGradients), vars[5]);
        return [grouped];
    }

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> gradients)
    {
        using var scope = new BackwardScope((HandedOverGradients)ctx.get_data(nameof(HandedOverGradients)), gradients);
        var saved = ctx.get_saved_variables();
        var shape = (Shape)ctx.get_data(nameof(Shape));
        var dq = empty(shape.Pairs, shape.QueryRows, shape.Dim, dtype: shape.OperandType);
        var dk = zeros(shape.Pairs, shape.Length, shape.Dim, dtype: float32);
        var dv = zeros(shape.Pairs, shape.Length, shape.Dim, dtype: float32);
        using (NewDisposeScope())
        {
            var (queries, keys, values, logSumExp) = (shape.Operand(saved[0]), shape.Operand(saved[1]), shape.Operand(saved[2]), saved[4]);
            var upstream = gradients[0].contiguous();
            // Σⱼ pⱼ·dPⱼ of each row, from the output as flash attention takes it: from the probabilities
            // computed again, a row's largest one (near 1) carries the log-sum-exp's rounding into the
            // difference dP − Σ p·dP, which is small exactly when a row is nearly one-hot.
            var upstreamOperand = shape.Operand(upstream);
            var rowDot = RowDots(upstreamOperand, shape.Operand(saved[3]), shape);
            int index = 0;
            bool kept = shape.KeepsProbabilities;
            foreach (var (first, count, start, rows) in shape.Tiles())
            {
                using var tile = NewDisposeScope();
                Tensor Rows(Tensor x) => x.narrow(0, first, count).narrow(1, start * shape.Group, rows * shape.Group);
                Tensor Keys(Tensor x) => x.narrow(0, first, count).narrow(1, 0, start + rows);
                var probabilitiesGradient = bmm(Rows(upstreamOperand), Transposed(Keys(values)));
                Tensor probabilities;
                if (kept)
                {
                    // The probabilities' gradient becomes the scores'.
                    probabilities = saved[5 + index++];
                    SoftmaxGradient(probabilities, probabilitiesGradient, rowDot.narrow(0, first, count), start, shape);
                }
                else
                {
                    // Scores become probabilities, the probabilities' gradient becomes the scores'.
                    probabilities = bmm(Rows(queries), Transposed(Keys(keys)));
                    SoftmaxBackward(probabilities, probabilitiesGradient, logSumExp.narrow(0, first, count), rowDot.narrow(0, first, count), start, shape);
                }
                Keys(dv).add_(bmm(probabilities.transpose(1, 2), Rows(upstreamOperand)), HeldScalars.One);
                Rows(dq).copy_(bmm(probabilitiesGradient, Keys(keys)));
                Keys(dk).add_(bmm(probabilitiesGradient.transpose(1, 2), Rows(queries)), HeldScalars.One);
            }
        }
        long[] queryShape = [shape.Batch, shape.Heads, shape.QueryRows, shape.Dim], keyShape = [shape.Batch, shape.Heads, shape.Length, shape.Dim];
        // Each gradient in its input's type; keys' and values' are summed over the blocks in float32 first.
        var types = (ScalarType[])ctx.get_data("Types");
        return scope.Results(dq.view(queryShape).to(types[0]), dk.view(keyShape).to(types[1]), dv.view(keyShape).to(types[2]), null, null, null);
    }

    /// <summary>
    /// A tile's keys (or values) transposed for a product, from a copy when they are a slice: a
    /// product over a transposed slice, whose matrices do not follow one another, took half as long
    /// again as the copy and a product over it.
    /// </summary>
    private static Tensor Transposed(Tensor keys) => keys.contiguous().transpose(1, 2);

    /// <summary>Σ dO·O of each row of the output's gradient and the output ([pairs, query rows, head dim], either type), in float32.</summary>
    private static Tensor RowDots(Tensor upstream, Tensor output, Shape shape)
    {
        if (upstream.dtype == float32)
            return (upstream * output).sum([-1]).view(shape.Pairs, shape.QueryRows);
        var dots = empty(shape.Pairs, shape.QueryRows, dtype: float32);
        ushort* pu = FloatMemory.BFloat16Of(upstream), po = FloatMemory.BFloat16Of(output);
        float* pd = FloatMemory.Of(dots);
        int dim = (int)shape.Dim;
        FusedKernels.ForRows(dots.numel(), 2 * dim, (from, to) =>
        {
            var buffer = new float[2 * dim];
            fixed (float* b = buffer)
                for (long row = from; row < to; row++)
                {
                    BFloat16Rows.Widen(new ReadOnlySpan<ushort>(pu + row * dim, dim), buffer.AsSpan(0, dim));
                    BFloat16Rows.Widen(new ReadOnlySpan<ushort>(po + row * dim, dim), buffer.AsSpan(dim, dim));
                    pd[row] = RowKernels.Dot(b, b + dim, dim);
                }
        });
        return dots;
    }

    /// <summary>
    /// Each row of a tile's scores ([pairs, rows, keys], the first query at position
    /// <paramref name="start"/>) becomes its probabilities over the keys up to its own position,
    /// zero past it; the row's log-sum-exp of the scaled scores goes to <paramref name="logSumExp"/>.
    /// </summary>
    private static void Softmax(Tensor scores, Tensor logSumExp, long start, Shape shape)
    {
        float* pl = FloatMemory.Of(logSumExp);
        float scale = shape.Scale;
        new TileRows(scores, start, shape).ForEach(1, (at, position, s, _) => pl[at] = SoftmaxRow(s, position + 1, scale));
    }

    /// <summary>
    /// Softmax's backward on a tile: each row's probabilities again from its scores and
    /// log-sum-exp (written over the scores), and from the probabilities' gradient dP and the row's
    /// Σ p·dP the scaled scores' gradient dS = scale·p·(dP − Σ p·dP) (written over dP), both zero
    /// past the row's position.
    /// </summary>
    private static void SoftmaxBackward(Tensor scores, Tensor probabilitiesGradient, Tensor logSumExp, Tensor rowDot, long start, Shape shape)
    {
        float* pl = FloatMemory.Of(logSumExp), pd = FloatMemory.Of(rowDot);
        float scale = shape.Scale;
        new TileRows(scores, start, shape, probabilitiesGradient).ForEach(2, (at, position, s, g) =>
            SoftmaxBackwardRow(s, g, position + 1, pl[at], pd[at], scale));
    }

    /// <summary>
    /// Softmax's backward on a tile from the probabilities forward kept: the scaled scores'
    /// gradient dS = scale·p·(dP − Σ p·dP) written over dP, zero past each row's position.
    /// </summary>
    private static void SoftmaxGradient(Tensor probabilities, Tensor probabilitiesGradient, Tensor rowDot, long start, Shape shape)
    {
        float* pd = FloatMemory.Of(rowDot);
        float scale = shape.Scale;
        new TileRows(probabilities, start, shape, probabilitiesGradient).ForEach(2, (at, position, p, g) =>
            SoftmaxGradientRow(p, g, position + 1, pd[at], scale));
    }

    /// <summary>
    /// A tile's rows of one or two score-shaped tensors, float32 in place or bfloat16 widened and
    /// rounded back, each with its index in a [tile's pairs, query rows] tensor and its position.
    /// </summary>
    private readonly struct TileRows(Tensor first, long start, Shape shape, Tensor? second = null)
    {
        public delegate void RowAction(long at, int position, Span<float> first, Span<float> second);

        public void ForEach(int tensors, RowAction action)
        {
            long rows = first.shape[1];
            int width = (int)first.shape[2];
            bool narrow = first.dtype == bfloat16;
            ushort* a16 = narrow ? FloatMemory.BFloat16Of(first) : null, b16 = narrow && second is not null ? FloatMemory.BFloat16Of(second) : null;
            float* a32 = narrow ? null : FloatMemory.Of(first), b32 = !narrow && second is not null ? FloatMemory.Of(second) : null;
            long firstRow = start * shape.Group, group = shape.Group, queryRows = shape.QueryRows;
            FusedKernels.ForRows(first.shape[0] * rows, tensors * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (from, to) =>
            {
                var buffer = narrow ? new float[2 * width] : null;
                for (long row = from; row < to; row++)
                {
                    Span<float> s, g = default;
                    if (narrow)
                    {
                        s = buffer.AsSpan(0, width);
                        BFloat16Rows.Widen(new ReadOnlySpan<ushort>(a16 + row * width, width), s);
                        if (b16 != null)
                        {
                            g = buffer.AsSpan(width, width);
                            BFloat16Rows.Widen(new ReadOnlySpan<ushort>(b16 + row * width, width), g);
                        }
                    }
                    else
                    {
                        s = new Span<float>(a32 + row * width, width);
                        if (b32 != null)
                            g = new Span<float>(b32 + row * width, width);
                    }
                    long rowInPair = firstRow + row % rows;
                    action(row / rows * queryRows + rowInPair, (int)(rowInPair / group), s, g);
                    if (narrow)
                    {
                        BFloat16Rows.Narrow(s, new Span<ushort>(a16 + row * width, width));
                        if (b16 != null)
                            BFloat16Rows.Narrow(g, new Span<ushort>(b16 + row * width, width));
                    }
                }
            });
        }
    }

    // The rows below go through pointers rather than span slices: a slice's bounds check each
    // vector cost more than the arithmetic at 8 floats a vector (as in FusedRmsNorm).

    // A row's last vector usually runs past its count (the causal mask ends a row anywhere): its
    // lanes past the count are masked rather than finished one by one, since a scalar exponential
    // costs as much as a whole vector's and every row would pay for up to a vector's worth.

    /// <summary>softmax(scale·s) over the first <paramref name="count"/> of a row, zeros after; returns the log-sum-exp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SoftmaxRow(Span<float> row, int count, float scale)
    {
        fixed (float* s = row)
        {
            int i = 0, wide = Vector512<float>.Count, width = Vector<float>.Count, length = row.Length;
            float max = float.NegativeInfinity;
            if (Vector512.IsHardwareAccelerated)
            {
                var (m, last) = (Vector512.Create(float.NegativeInfinity), Vector512.Create(count));
                for (; i < count && i <= length - wide; i += wide)
                    m = Vector512.Max(m, Vector512.ConditionalSelect(Before(last, i), Vector512.Load(s + i), m));
                max = Max(m);
            }
            else if (Vector.IsHardwareAccelerated)
            {
                var (m, last) = (new Vector<float>(float.NegativeInfinity), new Vector<int>(count));
                for (; i < count && i <= length - width; i += width)
                    m = Vector.Max(m, Vector.ConditionalSelect(Before(last, i), Vector.Load(s + i), m));
                max = Max(m);
            }
            for (; i < count; i++)
                max = MathF.Max(max, s[i]);

            float shift = -scale * max, sum = 0;
            i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var (vs, vshift, total, last) = (Vector512.Create(scale), Vector512.Create(shift), Vector512<float>.Zero, Vector512.Create(count));
                for (; i < count && i <= length - wide; i += wide)
                {
                    var e = Vector512.ConditionalSelect(Before(last, i), Math512.Exp(Vector512.FusedMultiplyAdd(Vector512.Load(s + i), vs, vshift)), Vector512<float>.Zero);
                    e.Store(s + i);
                    total += e;
                }
                sum = Vector512.Sum(total);
            }
            else if (Vector.IsHardwareAccelerated)
            {
                var (vs, vshift, total, last) = (new Vector<float>(scale), new Vector<float>(shift), Vector<float>.Zero, new Vector<int>(count));
                for (; i < count && i <= length - width; i += width)
                {
                    var e = Vector.ConditionalSelect(Before(last, i), MathVector.Exp(Vector.FusedMultiplyAdd(Vector.Load(s + i), vs, vshift)), Vector<float>.Zero);
                    Vector.Store(e, s + i);
                    total += e;
                }
                sum = Vector.Sum(total);
            }
            int written = Math.Max(i, count);
            for (; i < count; i++)
                sum += s[i] = MathF.Exp(MathF.FusedMultiplyAdd(s[i], scale, shift));

            float inverse = 1 / sum;
            i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var f = Vector512.Create(inverse);
                for (; i <= written - wide; i += wide)
                    (Vector512.Load(s + i) * f).Store(s + i);
            }
            var fv = new Vector<float>(inverse);
            for (; i <= written - width; i += width)
                Vector.Store(Vector.Load(s + i) * fv, s + i);
            for (; i < written; i++)
                s[i] *= inverse;
            row[written..].Clear();
            return scale * max + MathF.Log(sum);
        }
    }

    /// <summary>Lanes of the vector at <paramref name="at"/> that lie before <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Before(Vector512<int> count, int at) =>
        Vector512.LessThan(Vector512<int>.Indices + Vector512.Create(at), count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Before(Vector<int> count, int at) =>
        Vector.AsVectorSingle(Vector.LessThan(Vector<int>.Indices + new Vector<int>(at), count));

    /// <summary>The largest lane, by halves: a row pays this once, and lane by lane it cost a visible share of short rows.</summary>
    private static float Max(Vector512<float> m) => Max(Vector256.Max(m.GetLower(), m.GetUpper()));

    private static float Max(Vector256<float> m)
    {
        var quarter = Vector128.Max(m.GetLower(), m.GetUpper());
        return MathF.Max(MathF.Max(quarter[0], quarter[1]), MathF.Max(quarter[2], quarter[3]));
    }

    /// <summary>The same for the machine's vector: 256 bits where it is accelerated at all without 512.</summary>
    private static float Max(Vector<float> m)
    {
        if (Vector<float>.Count == Vector256<float>.Count)
            return Max(m.AsVector256());
        float max = float.NegativeInfinity;
        for (int lane = 0; lane < Vector<float>.Count; lane++)
            max = MathF.Max(max, m[lane]);
        return max;
    }

    /// <summary>dS = scale·p·(dP − Σ p·dP) over the first <paramref name="count"/> of a row (written over dP), zeros after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxGradientRow(Span<float> probabilities, Span<float> gradient, int count, float dot, float scale)
    {
        fixed (float* p = probabilities, g = gradient)
        {
            int i = 0, wide = Vector512<float>.Count, width = Vector<float>.Count;
            if (Vector512.IsHardwareAccelerated)
            {
                var (vs, vdot) = (Vector512.Create(scale), Vector512.Create(dot));
                for (; i <= count - wide; i += wide)
                    (vs * Vector512.Load(p + i) * (Vector512.Load(g + i) - vdot)).Store(g + i);
            }
            else if (Vector.IsHardwareAccelerated)
            {
                var (vs, vdot) = (new Vector<float>(scale), new Vector<float>(dot));
                for (; i <= count - width; i += width)
                    Vector.Store(vs * Vector.Load(p + i) * (Vector.Load(g + i) - vdot), g + i);
            }
            for (; i < count; i++)
                g[i] = scale * p[i] * (g[i] - dot);
        }
        gradient[count..].Clear();
    }

    /// <summary>The probabilities again from the scores and the row's log-sum-exp (written over the scores), and dS from them as <see cref="SoftmaxGradientRow"/> takes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxBackwardRow(Span<float> scores, Span<float> gradient, int count, float logSumExp, float dot, float scale)
    {
        fixed (float* s = scores, g = gradient)
        {
            int i = 0, wide = Vector512<float>.Count, width = Vector<float>.Count, length = scores.Length;
            if (Vector512.IsHardwareAccelerated)
            {
                var (vs, vshift, vdot, last) = (Vector512.Create(scale), Vector512.Create(-logSumExp), Vector512.Create(dot), Vector512.Create(count));
                for (; i < count && i <= length - wide; i += wide)
                {
                    var before = Before(last, i);
                    var p = Vector512.ConditionalSelect(before, Math512.Exp(Vector512.FusedMultiplyAdd(Vector512.Load(s + i), vs, vshift)), Vector512<float>.Zero);
                    p.Store(s + i);
                    Vector512.ConditionalSelect(before, vs * p * (Vector512.Load(g + i) - vdot), Vector512<float>.Zero).Store(g + i);
                }
            }
            else if (Vector.IsHardwareAccelerated)
            {
                var (vs, vshift, vdot, last) = (new Vector<float>(scale), new Vector<float>(-logSumExp), new Vector<float>(dot), new Vector<int>(count));
                for (; i < count && i <= length - width; i += width)
                {
                    var before = Before(last, i);
                    var p = Vector.ConditionalSelect(before, MathVector.Exp(Vector.FusedMultiplyAdd(Vector.Load(s + i), vs, vshift)), Vector<float>.Zero);
                    Vector.Store(p, s + i);
                    Vector.Store(Vector.ConditionalSelect(before, vs * p * (Vector.Load(g + i) - vdot), Vector<float>.Zero), g + i);
                }
            }
            int written = Math.Max(i, count);
            for (; i < count; i++)
            {
                s[i] = MathF.Exp(MathF.FusedMultiplyAdd(s[i], scale, -logSumExp));
                g[i] = scale * s[i] * (g[i] - dot);
            }
            scores[written..].Clear();
            gradient[written..].Clear();
        }
    }
}
