using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>One pre-norm decoder block: attention and MLP, each around a residual.</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Hugging Face parameter names
    private readonly LlamaAttention self_attn;
    private readonly LlamaMlp mlp;
    private readonly RmsNorm input_layernorm, post_attention_layernorm;
#pragma warning restore IDE1006

    internal LlamaAttention Attention => self_attn;

    internal LlamaMlp Mlp => mlp;

    public LlamaDecoderLayer(LlamaConfig config, ModelCompute compute) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, compute);
        mlp = new LlamaMlp(config, compute);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, compute);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, compute);
        RegisterComponents();
    }

    /// <summary>The layer's weights for the one-row decoding step.</summary>
    internal Fused.DecoderLayerWeights DecodingWeights()
    {
        var attention = self_attn.Projections().ToDictionary(p => p.Name, p => p.Projection);
        var feedForward = mlp.Projections().ToDictionary(p => p.Name, p => p.Projection);
        var (q, k, v) = (attention["q_proj"], attention["k_proj"], attention["v_proj"]);
        return new(input_layernorm.Weight, q.weight!, q.bias, k.weight!, k.bias, v.weight!, v.bias, attention["o_proj"].weight!,
            post_attention_layernorm.Weight, feedForward["gate_proj"].weight!, feedForward["up_proj"].weight!, feedForward["down_proj"].weight!);
    }

    /// <summary>The layer's projection weights.</summary>
    internal IEnumerable<TorchSharp.Modules.Parameter> Matrices() => self_attn.Projections().Concat(mlp.Projections()).Select(p => p.Projection.weight!);

    /// <summary>The layer's weights that take a gradient now, its LoRA adapters' among them (they are not registered as its modules).</summary>
    internal IEnumerable<TorchSharp.Modules.Parameter> Trained() =>
        parameters().Concat(new[] { self_attn.Adapters, mlp.Adapters }.SelectMany(a => a?.Values.AsEnumerable() ?? []).SelectMany(a => new[] { a.A, a.B }))
            .Where(p => p.requires_grad);

    /// <summary>Whether LoRA adapters sit on any of the layer's projections.</summary>
    internal bool Adapted => self_attn.Adapters is not null || mlp.Adapters is not null;

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var attended = hidden.Plus(self_attn.Forward(Normalized(input_layernorm, hidden, out var attentionScale), attentionScale));
        return attended.Plus(mlp.Forward(Normalized(post_attention_layernorm, attended, out var mlpScale), mlpScale)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A norm's result for the products that read it, in the type they compute in, and the scale
    /// still to apply: a frozen scale (under adapters) is applied by the norm before it rounds; a
    /// trained one is left to the products (<see cref="ScaledInput"/>), and then a layer with
    /// adapters takes float32, since they scale their input first, which would round it twice.
    /// </summary>
    private Tensor Normalized(RmsNorm norm, Tensor hidden, out Tensor? scale)
    {
        scale = null;
        if (norm.NormalizeFrozenScaled(hidden) is { } scaled)
            return scaled;
        scale = norm.Weight;
        return norm.Normalize(hidden, forProduct: !Adapted);
    }

    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor mask, LayerCache cache)
    {
        using var scope = NewDisposeScope();
        var attended = hidden.Plus(self_attn.Forward(input_layernorm.Normalize(hidden), input_layernorm.Weight, cos, sin, mask, cache));
        return attended.Plus(mlp.Forward(post_attention_layernorm.Normalize(attended), post_attention_layernorm.Weight)).MoveToOuterDisposeScope();
    }
}
