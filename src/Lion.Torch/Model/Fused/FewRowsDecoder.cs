using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>One decoder layer's weights as the decoding step reads them (Hugging Face's row-major [out, in] matrices).</summary>
internal sealed record DecoderLayerWeights(
    Tensor InputNorm, Tensor Query, Tensor? QueryBias, Tensor Key, Tensor? KeyBias, Tensor Value, Tensor? ValueBias,
    Tensor Output, Tensor PostNorm, Tensor Gate, Tensor Up, Tensor Down);

/// <summary>The whole model's weights for the decoding step; <see cref="Head"/> is the embedding when the two are tied.</summary>
internal sealed record DecoderWeights(Tensor Embedding, IReadOnlyList<DecoderLayerWeights> Layers, Tensor FinalNorm, Tensor Head);

/// <summary>
/// A decoding step of a few sequences — one new token each, through every layer to the logits —
/// as one managed pass over the weights, split across the cores. With few rows each product reads
/// its whole matrix to use each weight a few times, so the step costs what reading the weights
/// costs; libtorch runs a one-row product on one core and adds a call's overhead to each of the
/// step's few hundred small operations. Here the rows of every weight matrix are cut into pieces
/// that the cores of a <see cref="CoreTeam"/> take as they come free, each weight meeting every
/// sequence once it is read, and attention's (sequence, key head) pairs likewise; the
/// rest (norms, rotation, attention over the cache) runs between the products, and the keys and
/// values go straight into the layers' caches. It computes what the libtorch path does, in
/// float32, to rounding (tested side by side).
/// <para>
/// When every weight matrix holds only bfloat16 values (a checkpoint stored in bfloat16, as
/// published models are), steps of up to <see cref="BFloat16Products.MaxRows"/> sequences read
/// bfloat16 copies of the matrices instead: the same values at half the bytes, for steps that cost
/// what reading the weights costs. More sequences are bound by arithmetic and read float32.
/// </para>
/// </summary>
internal sealed unsafe class FewRowsDecoder : IDisposable
{
    /// <summary>The most sequences a step takes here; above it libtorch's matrix products use the weights as well.</summary>
    public const int MaxRows = 32;

    private readonly LlamaConfig _config;
    private readonly DecoderWeights _weights;
    private readonly CoreTeam _team;
    private readonly Action<int, int> _work;

    // Scratch for one step ([rows, width] each), pinned so the kernels hold pointers into it.
    private readonly float[] _hidden, _normed, _projected, _query, _key, _value, _attended, _gate, _up;

    // The matrices' bfloat16 copies, when they hold the same values; and a step's input rows split
    // into even and odd columns for them.
    private readonly Dictionary<Tensor, Tensor> _halfWidth = new(ReferenceEqualityComparer.Instance);
    private readonly float[] _split;
    private float[] _scores = [];

    // What the current job reads and writes, set before each CoreTeam.Run.
    private Phase _phase;
    private int _rows, _pieces;
    private Product _first, _second, _third;
    private float* _keys, _values, _cosTable, _sinTable;
    private long* _positions;
    private byte* _mask;
    private int _length, _capacity;

    public FewRowsDecoder(LlamaConfig config, DecoderWeights weights, int threads)
    {
        _config = config;
        _weights = weights;
        _team = new CoreTeam(threads);
        _work = Work;
        int heads = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim;
        _hidden = Pinned(MaxRows * config.HiddenSize);
        _normed = Pinned(MaxRows * config.HiddenSize);
        _projected = Pinned(MaxRows * config.HiddenSize);
        _query = Pinned(MaxRows * heads);
        _key = Pinned(MaxRows * kv);
        _value = Pinned(MaxRows * kv);
        _attended = Pinned(MaxRows * heads);
        _gate = Pinned(MaxRows * config.IntermediateSize);
        _up = Pinned(MaxRows * config.IntermediateSize);
        _split = Pinned(BFloat16Products.MaxRows * Math.Max(Math.Max(config.HiddenSize, heads), config.IntermediateSize));
        if (Matrices(weights).All(m => BFloat16Products.Takes((int)m.shape[1]) && BFloat16Rows.HoldsOnlyBFloat16(m)))
            using (no_grad())
                foreach (var matrix in Matrices(weights))
                    _halfWidth.TryAdd(matrix, matrix.to(ScalarType.BFloat16).contiguous().DetachFromDisposeScope());
    }

    private static IEnumerable<Tensor> Matrices(DecoderWeights weights) =>
        weights.Layers.SelectMany(l => new[] { l.Query, l.Key, l.Value, l.Output, l.Gate, l.Up, l.Down }).Append(weights.Head);

    /// <summary>Whether steps of a few sequences read the matrices' bfloat16 copies.</summary>
    public bool ReadsBFloat16 => _halfWidth.Count > 0;

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    private enum Phase { Products, Attention, ProductsIntoHidden, GateAndUp }

    /// <summary>
    /// A product to share out: y[i] = W·x[i] (+ b) for every row i, over W's <paramref name="outputWidth"/>
    /// rows of <paramref name="inputWidth"/>. The widths come from the config, not the tensor: reading a
    /// tensor's shape costs a call into libtorch and an array, seven times a layer at every step.
    /// </summary>
    private readonly struct Product(Tensor weight, int outputWidth, int inputWidth, Tensor? bias, float* input, float* output, int rows,
        Tensor? halfWidth = null, float* split = null)
    {
        public float* Weight { get; } = FloatMemory.Of(weight);
        public float* Bias { get; } = bias is null ? null : FloatMemory.Of(bias);
        public float* Input { get; } = input;
        public float* Output { get; } = output;
        public int Rows { get; } = rows;
        public int OutputWidth { get; } = outputWidth;
        public int InputWidth { get; } = inputWidth;

        /// <summary>The matrix's bfloat16 copy, read instead of it, with the input rows split for it.</summary>
        public ushort* HalfWidth { get; } = halfWidth is null ? null : FloatMemory.BFloat16Of(halfWidth);
        public float* Split { get; } = split;

        /// <summary>The bytes of weights the product reads.</summary>
        public long Bytes => Weight == null ? 0 : (long)OutputWidth * InputWidth * (HalfWidth != null ? sizeof(ushort) : sizeof(float));

        public void Run(int piece, int pieces)
        {
            if (Weight == null)
                return;
            var (start, end) = Share(OutputWidth, piece, pieces);
            if (HalfWidth != null)
                BFloat16Products.Products(HalfWidth, Bias, InputWidth, Split, Rows, Output, OutputWidth, start, end);
            else
                RowKernels.Products(Weight, Bias, InputWidth, Input, InputWidth, Rows, Output, OutputWidth, start, end);
        }
    }

    /// <summary>
    /// The product of <paramref name="weight"/> and the step's rows: from its bfloat16 copy when it
    /// has one and the step is few enough rows, the input rows split into <paramref name="split"/>
    /// (which the products of one phase share, as they share their input).
    /// </summary>
    private Product ProductOf(Tensor weight, int outputWidth, int inputWidth, Tensor? bias, float* input, float* output, int rows, float* split)
    {
        if (rows > BFloat16Products.MaxRows || !_halfWidth.TryGetValue(weight, out var halfWidth))
            return new(weight, outputWidth, inputWidth, bias, input, output, rows);
        return new(weight, outputWidth, inputWidth, bias, input, output, rows, halfWidth, split);
    }

    /// <summary>Piece <paramref name="piece"/>'s share of <paramref name="width"/> weight rows.</summary>
    private static (int Start, int End) Share(int width, int piece, int pieces) => (width * piece / pieces, width * (piece + 1) / pieces);

    /// <summary>
    /// Whether a step can run here: at most <see cref="MaxRows"/> sequences, each cache holding
    /// positions for them in float32 (the libtorch path makes the first ones, from the prompts),
    /// a mask over those and the new one, and every position with a rotary row.
    /// </summary>
    public bool Fits(Tensor tokens, Tensor positions, Tensor mask, IReadOnlyList<LayerCache> caches)
    {
        long rows = tokens.shape[0];
        return tokens.dim() == 2 && tokens.shape[1] == 1 && rows <= MaxRows && caches.Count == _weights.Layers.Count
            && caches.All(c => c.Length > 0 && c.Rows == rows && c.Type == ScalarType.Float32)
            && mask.dtype == ScalarType.Bool && mask.numel() == rows * (caches[0].Length + 1)
            && positions.numel() == rows && positions.max().item<long>() < _config.MaxPositionEmbeddings;
    }

    /// <summary>Logits, [rows, 1, vocab], for each row's token at its position; the keys and values join each layer's cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Step(Tensor tokens, Tensor positions, Tensor mask, IReadOnlyList<LayerCache> caches)
    {
        var config = _config;
        int rows = (int)tokens.shape[0], hiddenSize = config.HiddenSize, dim = config.HeadDim;
        int heads = config.NumAttentionHeads, kvHeads = config.NumKeyValueHeads, intermediate = config.IntermediateSize;
        float eps = (float)config.RmsNormEps;
        var (cosTable, sinTable) = RotaryEmbedding.Cached(config.MaxPositionEmbeddings, dim, config.RopeTheta, config.RopeScaling);
        using var rowTokens = tokens.to(ScalarType.Int64).contiguous();
        using var rowPositions = positions.to(ScalarType.Int64).contiguous();
        using var rowMask = mask.contiguous();
        int headRows = (int)_weights.Head.shape[0];
        var logits = empty([rows, 1, headRows], dtype: ScalarType.Float32);
        _rows = rows;
        fixed (float* hidden = _hidden, normed = _normed, projected = _projected, query = _query, key = _key, value = _value,
               attended = _attended, gate = _gate, up = _up, split = _split)
        {
            long* token = FloatMemory.Int64sOf(rowTokens);
            float* embedding = FloatMemory.Of(_weights.Embedding);
            long vocabulary = _weights.Embedding.shape[0];
            for (int r = 0; r < rows; r++)
                if ((ulong)token[r] >= (ulong)vocabulary)
                    throw new ArgumentOutOfRangeException(nameof(tokens), $"token {token[r]} is outside the vocabulary of {vocabulary}");
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<float>(embedding + token[r] * hiddenSize, hiddenSize).CopyTo(new Span<float>(hidden + r * hiddenSize, hiddenSize));
            _positions = FloatMemory.Int64sOf(rowPositions);
            _cosTable = FloatMemory.Of(cosTable);
            _sinTable = FloatMemory.Of(sinTable);
            _mask = FloatMemory.BooleansOf(rowMask);
            for (int i = 0; i < _weights.Layers.Count; i++)
            {
                var layer = _weights.Layers[i];
                for (int r = 0; r < rows; r++)
                    RowKernels.RmsNorm(hidden + r * hiddenSize, FloatMemory.Of(layer.InputNorm), normed + r * hiddenSize, hiddenSize, eps);
                Run(Phase.Products, ProductOf(layer.Query, heads * dim, hiddenSize, layer.QueryBias, normed, query, rows, split),
                    ProductOf(layer.Key, kvHeads * dim, hiddenSize, layer.KeyBias, normed, key, rows, split),
                    ProductOf(layer.Value, kvHeads * dim, hiddenSize, layer.ValueBias, normed, value, rows, split));

                var (keys, values, slot, capacity) = caches[i].TakeOnePosition();
                _keys = FloatMemory.Of(keys);
                _values = FloatMemory.Of(values);
                (_length, _capacity) = (slot + 1, capacity);
                for (int r = 0; r < rows; r++)
                {
                    float* cos = _cosTable + _positions[r] * dim, sin = _sinTable + _positions[r] * dim;
                    for (int h = 0; h < heads; h++)
                        RowKernels.Rotate(query + (r * heads + h) * dim, cos, sin, dim);
                    for (int h = 0; h < kvHeads; h++)
                    {
                        float* k = key + (r * kvHeads + h) * dim;
                        RowKernels.Rotate(k, cos, sin, dim);
                        long at = (((long)r * kvHeads + h) * _capacity + slot) * dim;
                        new ReadOnlySpan<float>(k, dim).CopyTo(new Span<float>(_keys + at, dim));
                        new ReadOnlySpan<float>(value + (r * kvHeads + h) * dim, dim).CopyTo(new Span<float>(_values + at, dim));
                    }
                }
                int scoresPerWorker = config.NumAttentionHeads / config.NumKeyValueHeads * _length;
                if (_scores.Length < _team.Size * scoresPerWorker)
                    _scores = Pinned(_team.Size * (scoresPerWorker + 1024));
                Run(Phase.Attention);

                Run(Phase.ProductsIntoHidden, ProductOf(layer.Output, hiddenSize, heads * dim, null, attended, projected, rows, split));
                for (int r = 0; r < rows; r++)
                    RowKernels.RmsNorm(hidden + r * hiddenSize, FloatMemory.Of(layer.PostNorm), normed + r * hiddenSize, hiddenSize, eps);
                Run(Phase.GateAndUp, ProductOf(layer.Gate, intermediate, hiddenSize, null, normed, gate, rows, split),
                    ProductOf(layer.Up, intermediate, hiddenSize, null, normed, up, rows, split));
                Run(Phase.ProductsIntoHidden, ProductOf(layer.Down, hiddenSize, intermediate, null, gate, projected, rows, split));
            }
            for (int r = 0; r < rows; r++)
                RowKernels.RmsNorm(hidden + r * hiddenSize, FloatMemory.Of(_weights.FinalNorm), normed + r * hiddenSize, hiddenSize, eps);
            Run(Phase.Products, ProductOf(_weights.Head, headRows, hiddenSize, null, normed, FloatMemory.Of(logits), rows, split));
        }
        _first = _second = _third = default;
        _keys = _values = _cosTable = _sinTable = null;
        _positions = null;
        _mask = null;
        return logits;
    }

    private void Run(Phase phase, Product first = default, Product second = default, Product third = default)
    {
        if (first.HalfWidth != null)
            for (int r = 0; r < first.Rows; r++)
                BFloat16Products.Split(first.Input + (long)r * first.InputWidth, first.Split + (long)r * first.InputWidth, first.InputWidth);
        (_phase, _first, _second, _third) = (phase, first, second, third);
        _pieces = phase == Phase.Attention ? _rows * _config.NumKeyValueHeads : PiecesFor(first.Bytes + second.Bytes + third.Bytes);
        _team.Run(_pieces, _work);
    }

    // A piece of a product reads at least this many bytes of weights, so taking it costs little
    // beside reading them; and each core takes at most this many pieces of one.
    private const long PieceBytes = 128 << 10;
    private const int PiecesPerCore = 8;

    /// <summary>
    /// How many pieces products reading <paramref name="bytes"/> of weights are cut into: as many
    /// for every core, so cores that keep up take equal shares; and several each, so a core that
    /// falls behind (another process holds it, or it is slower) leaves its pieces to the others.
    /// </summary>
    private int PiecesFor(long bytes)
    {
        int cores = _team.Size;
        return cores == 1 ? 1 : cores * (int)Math.Clamp(bytes / (cores * PieceBytes), 1, PiecesPerCore);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work(int piece, int worker)
    {
        int pieces = _pieces;
        switch (_phase)
        {
            case Phase.Products:
                _first.Run(piece, pieces);
                _second.Run(piece, pieces);
                _third.Run(piece, pieces);
                break;
            case Phase.ProductsIntoHidden:
            {
                // The product lands in scratch, then joins the residual stream over the same columns.
                _first.Run(piece, pieces);
                int width = _first.OutputWidth;
                var (start, end) = Share(width, piece, pieces);
                fixed (float* hidden = _hidden)
                    for (int r = 0; r < _rows; r++)
                        for (int c = start; c < end; c++)
                            hidden[r * width + c] += _first.Output[r * width + c];
                break;
            }
            case Phase.GateAndUp:
            {
                _first.Run(piece, pieces);
                _second.Run(piece, pieces);
                int width = _first.OutputWidth;
                var (start, end) = Share(width, piece, pieces);
                for (int r = 0; r < _rows; r++)
                    RowKernels.SwiGlu(_first.Output + r * width, _second.Output + r * width, start, end);
                break;
            }
            case Phase.Attention:
                Attend(piece, worker);
                break;
        }
    }

    /// <summary>
    /// Softmax attention over the cache for one (row, key head) pair, in the worker's own scratch:
    /// the group of query heads that shares a key head is scored against it as one product, four
    /// positions at a time.
    /// </summary>
    private void Attend(int pair, int worker)
    {
        int heads = _config.NumAttentionHeads, kvHeads = _config.NumKeyValueHeads, group = heads / kvHeads, dim = _config.HeadDim;
        float scale = 1f / MathF.Sqrt(dim);
        fixed (float* query = _query, attended = _attended, allScores = _scores)
        {
            float* scores = allScores + worker * (_scores.Length / _team.Size);
            int row = pair / kvHeads;
            long first = ((long)row * heads + pair % kvHeads * group) * dim;
            float* keys = _keys + (long)pair * _capacity * dim, values = _values + (long)pair * _capacity * dim;
            byte* mask = _mask + (long)row * _length;
            RowKernels.Products(keys, null, dim, query + first, dim, group, scores, _length, 0, _length);
            for (int g = 0; g < group; g++)
            {
                float* weights = scores + g * _length, output = attended + first + g * dim;
                RowKernels.Softmax(weights, mask, _length, scale);
                RowKernels.WeightedSum(weights, values, _length, dim, output);
            }
        }
    }

    public void Dispose()
    {
        _team.Dispose();
        foreach (var copy in _halfWidth.Values.Distinct())
            copy.Dispose();
        _halfWidth.Clear();
    }
}
