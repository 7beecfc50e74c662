using Lion.Oracle;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Training;

public sealed class SftTrainerTests
{
    private static readonly ByteTokenizer Tokenizer = new();

    private static LlamaForCausalLM FreshTinyModel()
    {
        manual_seed(7);
        return new LlamaForCausalLM(LlamaConfig.Tiny(ByteTokenizer.VocabularySize, ByteTokenizer.Bos, ByteTokenizer.Eos, ByteTokenizer.Pad)
            with { HiddenSize = 64, IntermediateSize = 176, NumHiddenLayers = 2, MaxPositionEmbeddings = 256 });
    }

    /// <summary>Distinct oracle items: short boolean expressions and their exact answers.</summary>
    private static List<TaskItem> Items(int count)
    {
        var family = Oracle.Oracle.Family("boolean_expressions");
        var random = new Random(1);
        var items = new Dictionary<string, TaskItem>();
        while (items.Count < count)
        {
            var item = family.Generate(random, random.Next(2, 4), "plain");
            items.TryAdd(item.Input, item);
        }
        return items.Values.ToList();
    }

    private static (int[], int[]) Example(TaskItem item) => (Tokenizer.Encode(item.Input + "\n"), Tokenizer.Encode(item.Target));

    [Fact]
    [Trait("Category", "Slow")]
    public void A_fresh_tiny_model_learns_oracle_answers_from_scratch()
    {
        using var model = FreshTinyModel();
        var items = Items(200);
        var trainer = new SftTrainer(new TrainingOptions { Epochs = 30, LearningRate = 3e-3, BatchSize = 16, WarmupFraction = 0.05 });

        var report = trainer.Train(model, items.Select(Example).ToList());
        var generator = new TextGenerator(model, Tokenizer);
        int right = items.Count(item => generator.Complete(item.Input + "\n", new SamplingOptions { MaxNewTokens = 8 }).Text == item.Target);

        Assert.True(report.LastEpochLoss <= 0.2 * report.FirstEpochLoss, $"loss {report.FirstEpochLoss:F3} → {report.LastEpochLoss:F3}");
        Assert.True(right >= 0.8 * items.Count, $"{right}/{items.Count} answered exactly");
    }

    [Fact]
    public void Only_answer_tokens_are_labelled()
    {
        var config = LlamaConfig.Tiny(ByteTokenizer.VocabularySize, ByteTokenizer.Bos, ByteTokenizer.Eos, ByteTokenizer.Pad);

        var (tokens, promptLength) = SftTrainer.Sequence([10, 11, 12], [20, 21], config, maxLength: 64);

        Assert.Equal([ByteTokenizer.Bos, 10, 11, 12, 20, 21, ByteTokenizer.Eos], tokens);
        Assert.Equal(4, promptLength);
    }

    [Fact]
    public void A_long_example_keeps_its_answer_when_cut()
    {
        var config = LlamaConfig.Tiny(ByteTokenizer.VocabularySize, ByteTokenizer.Bos, ByteTokenizer.Eos, ByteTokenizer.Pad);

        var (tokens, promptLength) = SftTrainer.Sequence(Enumerable.Range(0, 10).ToArray(), [20, 21], config, maxLength: 5);

        Assert.Equal([8, 9, 20, 21, ByteTokenizer.Eos], tokens);
        Assert.Equal(2, promptLength);
    }

    [Fact]
    public void Sampling_with_a_seed_is_reproducible()
    {
        using var model = FreshTinyModel();
        var generator = new TextGenerator(model, Tokenizer);
        var options = new SamplingOptions { Temperature = 0.9, TopP = 0.95, MaxNewTokens = 12, Seed = 4 };

        Assert.Equal(generator.Complete("abc", options), generator.Complete("abc", options));
    }
}
