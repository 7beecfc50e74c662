using System.Diagnostics;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests;

/// <summary>
/// A number passed where TorchSharp wants a Scalar becomes a temporary that only its finalizer
/// frees; a collection during the native call that reads it hands libtorch freed memory. With
/// collections forced beside it, such a call fails within a second or so.
/// </summary>
public sealed class HeldScalarsTests
{
    [Fact]
    public void Training_and_sampling_survive_garbage_collections_running_beside_them()
    {
        manual_seed(3);
        using var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 2, NumKeyValueHeads = 1 });
        var tokenizer = new ByteTokenizer();
        var examples = Enumerable.Range(0, 64).Select(i => (tokenizer.Encode($"{i} + {i} ="), tokenizer.Encode($"{2 * i}"))).ToList();
        var sampling = new SamplingOptions { MaxNewTokens = 8, Temperature = 0.8, TopP = 0.9, Seed = 1 };

        bool done = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            var clock = Stopwatch.StartNew();
            for (int round = 0; clock.Elapsed < TimeSpan.FromSeconds(4); round++)
            {
                new SftTrainer(new TrainingOptions { Epochs = 1, BatchSize = 8, Seed = round }).Train(model, examples);
                new TextGenerator(model, tokenizer).CompleteAll(["1 + 1 =", "7 + 7 ="], sampling);
            }
        }
        finally
        {
            Volatile.Write(ref done, true);
            collector.Join();
        }
    }
}
