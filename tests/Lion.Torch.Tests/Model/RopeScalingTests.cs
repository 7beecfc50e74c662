using Lion.Core;
using Lion.Tests;
using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class RopeScalingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Linear_scaling_by_two_puts_position_p_where_p_over_two_was()
    {
        var (plainCos, _) = RotaryEmbedding.Table(16, 8, 10000);
        var (scaledCos, _) = RotaryEmbedding.Table(16, 8, 10000, scaling: new RopeScaling("linear", 2));

        for (int p = 0; p < 16; p += 2)
            Assert.True(allclose(scaledCos[p], plainCos[p / 2], atol: 1e-6), $"position {p}");
    }

    [Fact]
    public void Llama3_scaling_keeps_high_frequencies_and_divides_low_ones()
    {
        var scaling = new RopeScaling("llama3", 8) { LowFrequencyFactor = 1, HighFrequencyFactor = 4, OriginalMaxPositions = 8192 };
        double[] inverse = [1.0, 1e-2, 1e-5];

        var scaled = scaling.Scale(inverse);

        Assert.Equal(1.0, scaled[0]);
        Assert.Equal(1e-2, scaled[1]);
        Assert.Equal(1e-5 / 8, scaled[2], 12);
    }

    [Fact]
    public void Rope_scaling_is_read_and_written_with_the_config()
    {
        string path = _folder.File("config.json");
        var config = new LlamaConfig
        {
            VocabSize = 32, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, NumKeyValueHeads = 2,
            RopeScaling = new RopeScaling("llama3", 8) { OriginalMaxPositions = 4096 },
        };

        config.Write(path);

        Assert.Equal(config, LlamaConfig.Read(path));
    }

    [Fact]
    public void An_unsupported_scaling_type_is_named()
    {
        string path = _folder.Write("config.json", """
            {"architectures": ["LlamaForCausalLM"], "vocab_size": 32, "hidden_size": 16, "intermediate_size": 32,
             "num_hidden_layers": 1, "num_attention_heads": 2, "rope_scaling": {"type": "yarn", "factor": 4}}
            """);

        var error = Assert.Throws<BadInputException>(() => LlamaConfig.Read(path));

        Assert.Contains("rope_scaling", error.Message);
        Assert.Contains("yarn", error.Message);
    }
}
