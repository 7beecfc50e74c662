using Lion.Tests;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using Lion.Torch.Training;
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

    /// <summary>The process's anonymous resident memory, in MB, once the allocator has handed back what is free.</summary>
    private static long ResidentMegabytes()
    {
        GlibcHeap.ReturnFreedMemory();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    [Fact]
    public void Disposing_a_model_hands_back_its_weights()
    {
        if (!OperatingSystem.IsLinux())
            return;
        long before = ResidentMegabytes();
        var model = Model();
        long held = ResidentMegabytes();

        model.Dispose();

        long after = ResidentMegabytes();
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
        long before = ResidentMegabytes();
        var model = Model();
        HuggingFaceFolder.Save(model, _folder.File("student"), bfloat16: bfloat16);

        model.Dispose();

        Assert.InRange(ResidentMegabytes() - before, int.MinValue, 64);
    }
}
