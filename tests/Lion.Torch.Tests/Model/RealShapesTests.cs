using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using Lion.Tests;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

/// <summary>
/// The student at the sizes people distil into on a CPU, with the exact configs of SmolLM2-135M
/// (LlamaForCausalLM) and Qwen2.5-0.5B (Qwen2ForCausalLM: q/k/v biases, tied embeddings) and
/// random weights: each has its published parameter count, goes through a Hugging Face folder
/// and back, takes a training step (tiny: one short example) and generates.
/// </summary>
public sealed class RealShapesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // The byte-level tokenizer's BOS and EOS, so its tokenizer.json fits either vocabulary.
    public static LlamaConfig SmolLM2_135M => new()
    {
        Architecture = "LlamaForCausalLM", VocabSize = 49_152, HiddenSize = 576, IntermediateSize = 1536, NumHiddenLayers = 30,
        NumAttentionHeads = 9, NumKeyValueHeads = 3, RmsNormEps = 1e-5, RopeTheta = 100_000, MaxPositionEmbeddings = 8192,
        TieWordEmbeddings = true, BosTokenId = ByteTokenizer.Bos, EosTokenId = ByteTokenizer.Eos,
    };

    public static LlamaConfig Qwen2_5_0_5B => new()
    {
        Architecture = "Qwen2ForCausalLM", VocabSize = 151_936, HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24,
        NumAttentionHeads = 14, NumKeyValueHeads = 2, RmsNormEps = 1e-6, RopeTheta = 1_000_000, MaxPositionEmbeddings = 32_768,
        TieWordEmbeddings = true, BosTokenId = ByteTokenizer.Bos, EosTokenId = ByteTokenizer.Eos,
    };

    private static readonly (int[] Prompt, int[] Answer)[] Example =
        [(new ByteTokenizer().Encode("Sort: pear fig"), new ByteTokenizer().Encode("fig pear"))];

    /// <summary>A fresh model; its biases (zero when made) given values, so that their round trip shows.</summary>
    private static LlamaForCausalLM Fresh(LlamaConfig config, int seed)
    {
        manual_seed(seed);
        var model = new LlamaForCausalLM(config);
        using (no_grad())
            foreach (var (_, bias) in model.named_parameters().Where(p => p.name.EndsWith(".bias", StringComparison.Ordinal)))
                bias.normal_(0, 0.5);
        return model;
    }

    private string SaveFresh(LlamaConfig config, long parameters, int seed)
    {
        using var model = Fresh(config, seed);
        Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
        string folder = _folder.File(config.Architecture);
        HuggingFaceFolder.Save(model, folder, new ByteTokenizer());
        return folder;
    }

    [Fact]
    public void SmolLM2_135M_has_its_parameters_round_trips_takes_a_full_step_and_a_lora_step_and_generates()
    {
        string folder = SaveFresh(SmolLM2_135M, 134_515_008, seed: 135);
        var (model, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder);
        using var dispose = model;

        var full = new SftTrainer(new TrainingOptions { Epochs = 1, BatchSize = 1, MaxLength = 32, LearningRate = 1e-4 }).Train(model, Example);
        var lora = new SftTrainer(new TrainingOptions { Epochs = 1, BatchSize = 1, MaxLength = 32, Lora = new LoraOptions() }).Train(model, Example);
        var (text, _) = new TextGenerator(model, tokenizer).Complete("Sort: kiwi apple", new SamplingOptions { MaxNewTokens = 4 });

        Assert.Equal((1, 1), (full.Steps, lora.Steps));
        Assert.True(double.IsFinite(full.FirstEpochLoss) && double.IsFinite(lora.FirstEpochLoss));
        Assert.NotNull(text);
    }

    [Fact]
    public void Qwen2_5_0_5B_keeps_its_qkv_biases_and_tied_embeddings_through_a_folder_and_takes_a_lora_step_and_generates()
    {
        string folder = SaveFresh(Qwen2_5_0_5B, 494_032_768, seed: 5);
        var (model, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder);
        using var dispose = model;
        var names = model.named_parameters().Select(p => p.name).ToHashSet();

        using (var again = Fresh(Qwen2_5_0_5B, seed: 5))
        {
            var made = again.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var biases = model.named_parameters().Where(p => p.name.EndsWith("_proj.bias", StringComparison.Ordinal)).ToList();
            Assert.Equal(72, biases.Count);
            foreach (var (name, parameter) in biases)
                Assert.True(allclose(made[name], parameter, rtol: 0, atol: 0) && parameter.abs().sum().item<float>() > 0, name);
        }
        var lora = new SftTrainer(new TrainingOptions { Epochs = 1, BatchSize = 1, MaxLength = 32, Lora = new LoraOptions() }).Train(model, Example);
        var (text, _) = new TextGenerator(model, tokenizer).Complete("Sort: kiwi apple", new SamplingOptions { MaxNewTokens = 4 });

        Assert.Contains("model.layers.23.self_attn.k_proj.bias", names);
        Assert.DoesNotContain("lm_head.weight", names);
        Assert.Equal(1, lora.Steps);
        Assert.True(double.IsFinite(lora.FirstEpochLoss));
        Assert.NotNull(text);
    }
}
