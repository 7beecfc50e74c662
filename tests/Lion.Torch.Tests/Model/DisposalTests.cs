using Lion.Tests;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

/// <summary>
/// A disposed model hands its weights' memory back at once, whatever was done with it: a run that
/// trains, saves and replaces its student each iteration would otherwise keep every old one's
/// weights until a garbage collection happened to find the handles that held them.
/// </summary>
public sealed class DisposalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // A 256 MB embedding, so what is kept stands far above the process's own movements.
    private static LlamaForCausalLM Model()
    {
        manual_seed(4);
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel with
        {
            VocabSize = 65_536, HiddenSize = 1024, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        });
    }

    [Fact]
    public void Disposing_a_model_hands_back_its_weights()
    {
        if (!OperatingSystem.IsLinux())
            return;
        long before = ResidentMemory.Megabytes();
        var model = Model();
        long held = ResidentMemory.Megabytes();

        model.Dispose();

        long after = ResidentMemory.Megabytes();
        Assert.InRange(held - after, 200, int.MaxValue);
        Assert.InRange(after - before, int.MinValue, 64);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_saved_model_disposed_hands_back_its_weights(bool bfloat16)
    {
        if (!OperatingSystem.IsLinux())
            return;
        long before = ResidentMemory.Megabytes();
        var model = Model();
        HuggingFaceFolder.Save(model, _folder.File("student"), bfloat16: bfloat16);

        model.Dispose();

        Assert.InRange(ResidentMemory.Megabytes() - before, int.MinValue, 64);
    }
}
