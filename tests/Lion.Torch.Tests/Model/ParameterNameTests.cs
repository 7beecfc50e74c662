using Lion.Torch.Model;

namespace Lion.Torch.Tests.Model;

/// <summary>Parameter names must be Hugging Face's, so checkpoints load without a rename table.</summary>
public sealed class ParameterNameTests
{
    private static LlamaConfig Tiny(string architecture, bool tied) => new()
    {
        Architecture = architecture, VocabSize = 32, HiddenSize = 16, IntermediateSize = 24, NumHiddenLayers = 1,
        NumAttentionHeads = 4, NumKeyValueHeads = 2, TieWordEmbeddings = tied,
    };

    private static readonly string[] Layer =
    [
        "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
        "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
        "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
        "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight",
    ];

    [Theory]
    [InlineData("LlamaForCausalLM")]
    [InlineData("MistralForCausalLM")]
    public void Llama_and_mistral_name_their_parameters_as_hugging_face_does(string architecture)
    {
        using var model = new LlamaForCausalLM(Tiny(architecture, tied: false));

        string[] expected = ["lm_head.weight", "model.embed_tokens.weight", .. Layer, "model.norm.weight"];

        Assert.Equal(expected.Order(StringComparer.Ordinal), model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Qwen2_adds_biases_to_query_key_and_value()
    {
        using var model = new LlamaForCausalLM(Tiny("Qwen2ForCausalLM", tied: true));

        var names = model.named_parameters().Select(p => p.name).ToHashSet();

        Assert.Contains("model.layers.0.self_attn.q_proj.bias", names);
        Assert.Contains("model.layers.0.self_attn.k_proj.bias", names);
        Assert.Contains("model.layers.0.self_attn.v_proj.bias", names);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", names);
    }

    [Fact]
    public void Tied_embeddings_have_no_separate_head()
    {
        using var model = new LlamaForCausalLM(Tiny("LlamaForCausalLM", tied: true));

        Assert.DoesNotContain("lm_head.weight", model.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Grouped_query_attention_has_fewer_key_value_rows()
    {
        using var model = new LlamaForCausalLM(Tiny("LlamaForCausalLM", tied: true));
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal(new long[] { 16, 16 }, shapes["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal(new long[] { 8, 16 }, shapes["model.layers.0.self_attn.k_proj.weight"]);
    }
}
