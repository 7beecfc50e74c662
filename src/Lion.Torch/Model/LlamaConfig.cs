using System.Text.Json;
using System.Text.Json.Nodes;
using Lion.Core;

namespace Lion.Torch.Model;

/// <summary>
/// The config.json of a LLaMA-family decoder as Hugging Face writes it, covering
/// LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM (whose q/k/v projections carry
/// biases). <see cref="Tiny"/> makes a fresh small config for a model trained from scratch.
/// </summary>
public sealed record LlamaConfig
{
    public static readonly string[] Architectures = ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"];

    public string Architecture { get; init; } = "LlamaForCausalLM";
    public int VocabSize { get; init; }
    public int HiddenSize { get; init; }
    public int IntermediateSize { get; init; }
    public int NumHiddenLayers { get; init; }
    public int NumAttentionHeads { get; init; }
    public int NumKeyValueHeads { get; init; }
    public double RmsNormEps { get; init; } = 1e-5;
    public double RopeTheta { get; init; } = 10000;
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }
    public int BosTokenId { get; init; } = 1;
    public int EosTokenId { get; init; } = 2;
    public int? PadTokenId { get; init; }
    public string TorchDtype { get; init; } = "float32";

    /// <summary>Hugging Face's rope_scaling: null, or linear / llama3 with their factors.</summary>
    public RopeScaling? RopeScaling { get; init; }

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Qwen2 puts biases on the query, key and value projections.</summary>
    public bool AttentionBias => Architecture == "Qwen2ForCausalLM";

    /// <summary>The tiny config over the byte-level tokenizer: a model made from scratch.</summary>
    public static LlamaConfig TinyByteLevel =>
        Tiny(Tokenization.ByteTokenizer.VocabularySize, Tokenization.ByteTokenizer.Bos, Tokenization.ByteTokenizer.Eos, Tokenization.ByteTokenizer.Pad);

    /// <summary>
    /// The demo's student over the byte-level tokenizer: 4 layers of 256, about 3 M parameters,
    /// the size the benchmarks measure; a few minutes of training on two cores teaches it.
    /// </summary>
    public static LlamaConfig SmallByteLevel => TinyByteLevel with
    {
        HiddenSize = 256, IntermediateSize = 704, NumHiddenLayers = 4, NumAttentionHeads = 8, NumKeyValueHeads = 4, MaxPositionEmbeddings = 512,
    };

    public static LlamaConfig Tiny(int vocabSize, int bos, int eos, int pad) => new()
    {
        VocabSize = vocabSize,
        HiddenSize = 128,
        IntermediateSize = 352,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 1024,
        TieWordEmbeddings = true,
        BosTokenId = bos,
        EosTokenId = eos,
        PadTokenId = pad,
    };

    public static LlamaConfig Read(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw BadInputException.AtLine(path, (int)(error.LineNumber ?? 0) + 1, "malformed JSON");
        }
        if (root is not JsonObject json)
            throw BadInputException.InFile(path, "config.json must hold one JSON object");

        string architecture = json["architectures"]?.AsArray().FirstOrDefault()?.GetValue<string>()
                              ?? throw BadInputException.AtField(path, 1, "architectures", "is missing");
        if (!Architectures.Contains(architecture))
            throw BadInputException.AtField(path, 1, "architectures",
                $"names {architecture}, which is not supported (supported: {string.Join(", ", Architectures)})");

        int Int(string key) => json[key]?.GetValue<int>() ?? throw BadInputException.AtField(path, 1, key, "is missing");
        int heads = Int("num_attention_heads");
        return new LlamaConfig
        {
            Architecture = architecture,
            VocabSize = Int("vocab_size"),
            HiddenSize = Int("hidden_size"),
            IntermediateSize = Int("intermediate_size"),
            NumHiddenLayers = Int("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = json["num_key_value_heads"]?.GetValue<int>() ?? heads,
            RmsNormEps = json["rms_norm_eps"]?.GetValue<double>() ?? 1e-6,
            RopeTheta = json["rope_theta"]?.GetValue<double>() ?? 10000,
            MaxPositionEmbeddings = json["max_position_embeddings"]?.GetValue<int>() ?? 2048,
            TieWordEmbeddings = json["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            BosTokenId = json["bos_token_id"]?.GetValue<int>() ?? 1,
            EosTokenId = json["eos_token_id"] is JsonArray many ? many[0]!.GetValue<int>() : json["eos_token_id"]?.GetValue<int>() ?? 2,
            PadTokenId = json["pad_token_id"]?.GetValue<int>(),
            TorchDtype = json["torch_dtype"]?.GetValue<string>() ?? "float32",
            RopeScaling = Model.RopeScaling.Read(json["rope_scaling"], path),
        };
    }

    public void Write(string path)
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(Architecture),
            ["model_type"] = Architecture switch { "MistralForCausalLM" => "mistral", "Qwen2ForCausalLM" => "qwen2", _ => "llama" },
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["hidden_act"] = "silu",
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["torch_dtype"] = TorchDtype,
        };
        if (PadTokenId is { } pad)
            json["pad_token_id"] = pad;
        if (AttentionBias)
            json["attention_bias"] = true;
        if (RopeScaling is { } scaling)
            json["rope_scaling"] = scaling.ToJson();
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
