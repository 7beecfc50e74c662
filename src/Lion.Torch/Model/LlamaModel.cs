using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>The decoder stack: token embeddings, the layers, the final norm (Hugging Face's "model.*").</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Hugging Face parameter names
    internal readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
#pragma warning restore IDE1006

    private readonly LlamaConfig _config;
    private readonly ModelCompute _compute;

    internal IEnumerable<LlamaDecoderLayer> Layers => layers;

    /// <summary>
    /// The embedding's weight, one object for the model's life (the module hands out a new wrapper
    /// on each read, which a cache keyed by the parameter would take for another weight).
    /// </summary>
    internal Parameter EmbeddingWeight { get; }

    public LlamaModel(LlamaConfig config, ModelCompute compute) : base(nameof(LlamaModel))
    {
        _config = config;
        _compute = compute;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config, compute)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, compute);
        RegisterComponents();
        // Set after registering, or it would count as a parameter of its own.
        EmbeddingWeight = embed_tokens.weight!;
    }

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return (norm.Weight * Normalized(tokens)).MoveToOuterDisposeScope();
    }

    /// <summary>The weights for the one-row decoding step, with the head's (the embedding's when tied).</summary>
    internal Fused.DecoderWeights DecodingWeights(Tensor head) =>
        new(EmbeddingWeight, layers.Select(l => l.DecodingWeights()).ToList(), norm.Weight, head);

    /// <summary>Every weight matrix the passes read, by the objects they read (see <see cref="ModelCompute.HoldInBFloat16"/>).</summary>
    internal IEnumerable<Parameter> Matrices() => layers.SelectMany(l => l.Matrices()).Prepend(EmbeddingWeight);

    /// <summary>The final norm's scale, for the head to apply (see <see cref="ScaledInput"/>).</summary>
    internal Tensor NormWeight => norm.Weight;

    /// <summary>The last hidden states, normalised but not yet scaled by the final norm's weight.</summary>
    internal Tensor Normalized(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var hidden = Embed(tokens);
        bool checkpointed = _compute.CheckpointsLayers && is_grad_enabled();
        foreach (var layer in layers)
            hidden = checkpointed ? LayerCheckpoint.Apply(layer, hidden, _compute.HandedOver) : layer.forward(hidden);
        return norm.Normalize(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The decoding path: new tokens at the given positions ([batch, length]), a mask, one cache
    /// per layer; the result normalised but not yet scaled by the final norm's weight.
    /// </summary>
    internal Tensor NormalizedForward(Tensor tokens, Tensor positions, Tensor mask, IReadOnlyList<LayerCache> caches)
    {
        using var scope = NewDisposeScope();
        var (cosTable, sinTable) = RotaryEmbedding.Cached(_config.MaxPositionEmbeddings, _config.HeadDim, _config.RopeTheta, _config.RopeScaling);
        var cos = cosTable.index_select(0, positions.flatten()).view(positions.shape[0], 1, positions.shape[1], -1);
        var sin = sinTable.index_select(0, positions.flatten()).view(positions.shape[0], 1, positions.shape[1], -1);
        var hidden = Embed(tokens);
        int i = 0;
        foreach (var layer in layers)
            hidden = layer.Forward(hidden, cos, sin, mask, caches[i++]);
        return norm.Normalize(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>The tokens' embeddings; from the bfloat16 copy while the embedding is held only as that (the same values).</summary>
    private Tensor Embed(Tensor tokens)
    {
        if (_config.TieWordEmbeddings && EmbeddingWeight.requires_grad && is_grad_enabled())
            return TiedEmbeddingLookup.Apply(EmbeddingWeight, tokens, _compute.HandedOver);
        if (_compute.HeldCopy(EmbeddingWeight) is not { } held)
            return embed_tokens.forward(tokens);
        using var scope = NewDisposeScope();
        return held.index_select(0, tokens.flatten()).to(float32).view([.. tokens.shape, _config.HiddenSize]).MoveToOuterDisposeScope();
    }

    /// <summary>The module's own parameters go with it; the embedding's extra handle would keep its storage alive until a collection found it.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            EmbeddingWeight.Dispose();
        base.Dispose(disposing);
    }
}
