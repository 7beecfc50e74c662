using Lion.Core.Config;
using Lion.Torch.Model;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Training;

public sealed class BFloat16ProbeTests
{
    [Fact]
    public void A_shape_is_measured_once_a_process()
    {
        var config = LlamaConfig.TinyByteLevel with { HiddenSize = 48, IntermediateSize = 96 };

        double first = BFloat16Probe.Speedup(config);

        Assert.True(first > 0 && double.IsFinite(first), $"speedup {first}");
        Assert.Equal(first, BFloat16Probe.Speedup(config with { NumHiddenLayers = 7 }));
    }

    [Fact]
    public void Measuring_leaves_the_seeded_random_numbers_alone()
    {
        manual_seed(5);
        var expected = randn(4);

        manual_seed(5);
        BFloat16Probe.Speedup(LlamaConfig.TinyByteLevel with { HiddenSize = 40, IntermediateSize = 72 });

        Assert.True(randn(4).allclose(expected, rtol: 0, atol: 0));
    }
}
