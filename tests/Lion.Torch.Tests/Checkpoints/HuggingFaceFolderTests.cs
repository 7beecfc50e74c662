using Lion.Core;
using Lion.Tests;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Checkpoints;

public sealed class HuggingFaceFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static LlamaForCausalLM Model(string architecture = "LlamaForCausalLM", bool tied = true)
    {
        manual_seed(3);
        return new LlamaForCausalLM(new LlamaConfig
        {
            Architecture = architecture, VocabSize = ByteTokenizer.VocabularySize, HiddenSize = 32, IntermediateSize = 48,
            NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2, TieWordEmbeddings = tied,
            BosTokenId = ByteTokenizer.Bos, EosTokenId = ByteTokenizer.Eos, PadTokenId = ByteTokenizer.Pad,
        });
    }

    [Theory]
    [InlineData("LlamaForCausalLM", true)]
    [InlineData("MistralForCausalLM", false)]
    [InlineData("Qwen2ForCausalLM", true)]
    public void Save_then_load_gives_bit_identical_tensors(string architecture, bool tied)
    {
        using var model = Model(architecture, tied);
        string folder = _folder.File("student");

        HuggingFaceFolder.Save(model, folder, new ByteTokenizer());
        using var loaded = HuggingFaceFolder.Load(folder);

        Assert.Equal(model.Config, loaded.Config);
        var expected = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in loaded.named_parameters())
            Assert.True(expected[name].eq(parameter).all().item<bool>(), name);
        Assert.Equal(["config.json", "generation_config.json", "model.safetensors", "tokenizer.json"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_model_whose_weights_a_pass_read_in_place_saves_the_same_file(bool bfloat16)
    {
        using var model = Model("Qwen2ForCausalLM");
        string before = _folder.File("before"), after = _folder.File("after");
        HuggingFaceFolder.Save(model, before, bfloat16: bfloat16);
        using (no_grad())
            model.forward(randint(3, 200, [2, 40])).Dispose();

        HuggingFaceFolder.Save(model, after, bfloat16: bfloat16);

        Assert.Equal(File.ReadAllBytes(Path.Combine(before, "model.safetensors")), File.ReadAllBytes(Path.Combine(after, "model.safetensors")));
    }

    [Fact]
    public void A_hub_id_given_for_a_folder_is_answered_with_how_to_download_it_and_what_loads()
    {
        var error = Assert.Throws<BadInputException>(() => HuggingFaceFolder.Load("Qwen/Qwen2.5-0.5B-Instruct"));

        Assert.Contains("huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct --local-dir Qwen2.5-0.5B-Instruct", error.Message);
        Assert.Contains("Qwen2ForCausalLM", error.Message);
    }

    [Fact]
    public void A_folder_without_a_config_is_named()
    {
        Directory.CreateDirectory(_folder.File("empty"));

        var error = Assert.Throws<BadInputException>(() => HuggingFaceFolder.Load(_folder.File("empty")));

        Assert.Contains("no config.json", error.Message);
    }

    [Fact]
    public void An_unsupported_architecture_is_named()
    {
        using var model = Model();
        string folder = _folder.File("student");
        HuggingFaceFolder.Save(model, folder);
        string config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("LlamaForCausalLM", "GPT2LMHeadModel"));

        var error = Assert.Throws<BadInputException>(() => HuggingFaceFolder.Load(folder));

        Assert.Contains("GPT2LMHeadModel, which is not supported", error.Message);
    }

    [Fact]
    public void Weights_that_do_not_match_the_config_are_refused()
    {
        using var model = Model();
        string folder = _folder.File("student");
        HuggingFaceFolder.Save(model, folder);
        string config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));

        var error = Assert.Throws<BadInputException>(() => HuggingFaceFolder.Load(folder));

        Assert.Contains("model.safetensors", error.Message);
    }
}

public sealed class ShardedCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_sharded_checkpoint_with_its_index_loads_bit_identically()
    {
        manual_seed(4);
        using var model = new LlamaForCausalLM(new LlamaConfig
        {
            VocabSize = ByteTokenizer.VocabularySize, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, TieWordEmbeddings = false,
        });
        string folder = _folder.File("sharded");
        Directory.CreateDirectory(folder);
        model.Config.Write(Path.Combine(folder, "config.json"));
        var parameters = model.named_parameters().ToList();
        var weightMap = new Dictionary<string, string>();
        for (int shard = 0; shard < 2; shard++)
        {
            string file = $"model-0000{shard + 1}-of-00002.safetensors";
            var part = parameters.Where((_, i) => i % 2 == shard).ToDictionary(p => p.name, p => (Tensor)p.parameter.detach());
            TorchSharp.PyBridge.Safetensors.SaveStateDict(Path.Combine(folder, file), part);
            foreach (var name in part.Keys)
                weightMap[name] = file;
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
            System.Text.Json.JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = weightMap }));

        using var loaded = HuggingFaceFolder.Load(folder);

        var expected = parameters.ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in loaded.named_parameters())
            Assert.True(expected[name].eq(parameter).all().item<bool>(), name);
    }
}

public sealed class Bfloat16CheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_bf16_folder_is_half_the_size_and_loads_to_the_rounded_weights()
    {
        manual_seed(8);
        using var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 1 });
        string single = _folder.File("fp32"), half = _folder.File("bf16");
        HuggingFaceFolder.Save(model, single);
        HuggingFaceFolder.Save(model, half, bfloat16: true);

        using var loaded = HuggingFaceFolder.Load(half);

        Assert.Equal("bfloat16", loaded.Config.TorchDtype);
        Assert.InRange(new FileInfo(Path.Combine(half, "model.safetensors")).Length,
            new FileInfo(Path.Combine(single, "model.safetensors")).Length * 0.45, new FileInfo(Path.Combine(single, "model.safetensors")).Length * 0.55);
        var expected = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.to(bfloat16).to(float32));
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            Assert.Equal(float32, parameter.dtype);
            Assert.True(expected[name].eq(parameter).all().item<bool>(), name);
        }
    }
}
