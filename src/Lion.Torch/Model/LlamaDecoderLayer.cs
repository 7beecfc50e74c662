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

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var attended = hidden.Plus(self_attn.Forward(input_layernorm.Normalize(hidden), input_layernorm.Weight));
        return attended.Plus(mlp.Forward(post_attention_layernorm.Normalize(attended), post_attention_layernorm.Weight)).MoveToOuterDisposeScope();
    }

    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor mask, LayerCache cache)
    {
        using var scope = NewDisposeScope();
        var attended = hidden.Plus(self_attn.Forward(input_layernorm.Normalize(hidden), input_layernorm.Weight, cos, sin, mask, cache));
        return attended.Plus(mlp.Forward(post_attention_layernorm.Normalize(attended), post_attention_layernorm.Weight)).MoveToOuterDisposeScope();
    }
}
