using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using static TorchSharp.torch;

namespace Lion.Torch.Export;

/// <summary>
/// Exports a student to GGUF (F32, F16 or BF16) with its byte-level vocabulary, so llama.cpp, Ollama and
/// LLamaSharp run it: a LLaMA-layout model as llama.cpp's "llama", a Qwen2 one (biases on q/k/v,
/// tied head) as its "qwen2". Names follow llama.cpp's; for "llama" the query and key rows are
/// permuted from Hugging Face's rotate-half layout to GGML's interleaved one, as llama.cpp's own
/// converter does, while "qwen2" rotates halves as Hugging Face does and takes them as they are.
/// </summary>
public static class GgufExport
{
    /// <param name="paddedVocabulary">
    /// The model's tokenizer is the byte-level one but its embedding has more rows (a benchmark's
    /// model at a checkpoint's shape): the rows past the byte-level vocabulary are written as unused tokens.
    /// </param>
    public static void Write(LlamaForCausalLM model, string path, GgufType type = GgufType.F32, Lion.Core.Prompts.PromptFormat? promptFormat = null,
        bool paddedVocabulary = false)
    {
        var config = model.Config;
        bool qwen2 = config.Architecture == "Qwen2ForCausalLM";
        string arch = qwen2 ? "qwen2" : "llama";
        if (config.VocabSize != ByteTokenizer.VocabularySize && !(paddedVocabulary && config.VocabSize > ByteTokenizer.VocabularySize))
            throw new Lion.Core.BadInputException($"{path}: GGUF export writes the byte-level vocabulary; this model has another tokenizer (vocab_size {config.VocabSize})");
        var gguf = new GgufWriter();
        gguf.Add("general.architecture", arch);
        gguf.Add("general.name", "lion-student");
        gguf.Add("general.file_type", type.FileType());
        gguf.Add($"{arch}.context_length", (uint)config.MaxPositionEmbeddings);
        gguf.Add($"{arch}.embedding_length", (uint)config.HiddenSize);
        gguf.Add($"{arch}.block_count", (uint)config.NumHiddenLayers);
        gguf.Add($"{arch}.feed_forward_length", (uint)config.IntermediateSize);
        gguf.Add($"{arch}.rope.dimension_count", (uint)config.HeadDim);
        gguf.Add($"{arch}.attention.head_count", (uint)config.NumAttentionHeads);
        gguf.Add($"{arch}.attention.head_count_kv", (uint)config.NumKeyValueHeads);
        gguf.Add($"{arch}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        gguf.Add($"{arch}.rope.freq_base", (float)config.RopeTheta);
        gguf.Add($"{arch}.vocab_size", (uint)config.VocabSize);
        AddTokenizer(gguf, config, promptFormat);

        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var tensor = parameter.detach();
            if (!qwen2 && name.EndsWith("self_attn.q_proj.weight", StringComparison.Ordinal))
                tensor = Permute(tensor, config.NumAttentionHeads);
            else if (!qwen2 && name.EndsWith("self_attn.k_proj.weight", StringComparison.Ordinal))
                tensor = Permute(tensor, config.NumKeyValueHeads);
            bool vector = tensor.dim() == 1;
            // Norm scales and biases stay F32 in any file, as llama.cpp's converter keeps them.
            var storedType = vector ? GgufType.F32 : type;
            var stored = tensor.to(storedType.TorchType()).contiguous();
            var dims = stored.shape.Reverse().Select(d => (ulong)d).ToArray();
            gguf.AddTensor(GgufName(name), dims, storedType.TensorType(), stored.bytes.ToArray());
        }
        gguf.Write(path);
    }

    /// <summary>HF (heads, 2, half, in) → (heads, half, 2, in): rotate-half pairs become adjacent pairs.</summary>
    private static Tensor Permute(Tensor weight, int heads)
    {
        long rows = weight.shape[0], columns = weight.shape[1];
        return weight.reshape(heads, 2, rows / heads / 2, columns).transpose(1, 2).reshape(rows, columns);
    }

    private static string GgufName(string name)
    {
        if (name == "model.embed_tokens.weight") return "token_embd.weight";
        if (name == "model.norm.weight") return "output_norm.weight";
        if (name == "lm_head.weight") return "output.weight";
        var parts = name.Split('.');
        string layer = parts[2];
        string rest = string.Join('.', parts[3..]);
        string mapped = rest switch
        {
            "self_attn.q_proj.weight" => "attn_q.weight",
            "self_attn.k_proj.weight" => "attn_k.weight",
            "self_attn.v_proj.weight" => "attn_v.weight",
            "self_attn.q_proj.bias" => "attn_q.bias",
            "self_attn.k_proj.bias" => "attn_k.bias",
            "self_attn.v_proj.bias" => "attn_v.bias",
            "self_attn.o_proj.weight" => "attn_output.weight",
            "mlp.gate_proj.weight" => "ffn_gate.weight",
            "mlp.up_proj.weight" => "ffn_up.weight",
            "mlp.down_proj.weight" => "ffn_down.weight",
            "input_layernorm.weight" => "attn_norm.weight",
            "post_attention_layernorm.weight" => "ffn_norm.weight",
            _ => throw new NotSupportedException($"no GGUF name for {name}"),
        };
        return $"blk.{layer}.{mapped}";
    }

    private static void AddTokenizer(GgufWriter gguf, LlamaConfig config, Lion.Core.Prompts.PromptFormat? promptFormat)
    {
        var characters = ByteTokenizer.ByteCharacters();
        var tokens = characters.Select(c => c.ToString()).Concat(["<s>", "</s>", "<pad>"]).ToList();
        var types = tokens.Select((_, i) => i < 256 ? 1 : 3).ToList();
        for (int id = tokens.Count; id < config.VocabSize; id++)
        {
            tokens.Add($"<unused_{id}>");
            types.Add(5); // llama.cpp's UNUSED
        }
        gguf.Add("tokenizer.ggml.model", "gpt2");
        gguf.Add("tokenizer.ggml.pre", "default");
        gguf.Add("tokenizer.ggml.tokens", tokens);
        gguf.Add("tokenizer.ggml.token_type", types);
        gguf.Add("tokenizer.ggml.merges", Array.Empty<string>());
        gguf.Add("tokenizer.ggml.bos_token_id", (uint)config.BosTokenId);
        gguf.Add("tokenizer.ggml.eos_token_id", (uint)config.EosTokenId);
        if (config.PadTokenId is { } pad)
            gguf.Add("tokenizer.ggml.padding_token_id", (uint)pad);
        gguf.Add("tokenizer.ggml.add_bos_token", true);
        if (promptFormat is { } format)
            gguf.Add("tokenizer.chat_template", Lion.Core.Prompts.ChatTemplate.Of(format));
    }
}
