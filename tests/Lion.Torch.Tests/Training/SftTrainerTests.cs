using Lion.Core;
using Lion.Core.Config;
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
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel
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
    public void Bfloat16_products_learn_as_float32_products_do()
    {
        var data = Items(64).Select(Example).ToList();
        TrainingReport Train(TrainingPrecision precision)
        {
            using var model = FreshTinyModel();
            return new SftTrainer(new TrainingOptions { Epochs = 6, LearningRate = 3e-3, Precision = precision }).Train(model, data);
        }

        var float32 = Train(TrainingPrecision.Float32);
        var bfloat16 = Train(TrainingPrecision.BFloat16);

        Assert.Equal(TrainingPrecision.BFloat16, bfloat16.Precision);
        Assert.NotEqual(float32.LastEpochLoss, bfloat16.LastEpochLoss);
        Assert.True(bfloat16.LastEpochLoss <= 0.5 * bfloat16.FirstEpochLoss, $"bfloat16 loss {bfloat16.FirstEpochLoss:F3} → {bfloat16.LastEpochLoss:F3}");
        Assert.True(Math.Abs(bfloat16.LastEpochLoss - float32.LastEpochLoss) <= 0.1 * float32.LastEpochLoss,
            $"last epoch's loss {bfloat16.LastEpochLoss:F4} in bfloat16, {float32.LastEpochLoss:F4} in float32");
    }

    [Fact]
    public void With_gradient_checkpointing_a_run_learns_as_one_without_and_the_model_answers_plainly_after()
    {
        var data = Items(48).Select(Example).ToList();
        (TrainingReport Report, bool CheckpointsAfter) Train(bool checkpointing)
        {
            using var model = FreshTinyModel();
            var report = new SftTrainer(new TrainingOptions { Epochs = 3, LearningRate = 3e-3, Precision = TrainingPrecision.Float32, GradientCheckpointing = checkpointing })
                .Train(model, data);
            return (report, model.Compute.CheckpointsLayers);
        }

        var plain = Train(checkpointing: false);
        var checkpointed = Train(checkpointing: true);

        Assert.False(checkpointed.CheckpointsAfter);
        Assert.Equal(plain.Report.FirstEpochLoss, checkpointed.Report.FirstEpochLoss, 4);
        Assert.Equal(plain.Report.LastEpochLoss, checkpointed.Report.LastEpochLoss, 4);
        Assert.True(checkpointed.Report.LastEpochLoss < checkpointed.Report.FirstEpochLoss);
    }

    [Fact]
    public void Auto_precision_takes_what_the_probe_measured_and_says_so()
    {
        using var model = FreshTinyModel();
        var lines = new List<string>();

        var report = new SftTrainer(new TrainingOptions { Epochs = 1 }, lines.Add).Train(model, Items(16).Select(Example).ToList());

        var expected = BFloat16Probe.Pays(model.Config) ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32;
        Assert.Equal(expected, report.Precision);
        Assert.Contains(lines, line => line.Contains($"products in {Vocabulary<TrainingPrecision>.Word(expected)}"));
    }

    [Fact]
    public void Only_answer_tokens_are_labelled()
    {
        var config = LlamaConfig.TinyByteLevel;

        var (tokens, promptLength) = SftTrainer.Sequence([10, 11, 12], [20, 21], config, maxLength: 64);

        Assert.Equal([ByteTokenizer.Bos, 10, 11, 12, 20, 21, ByteTokenizer.Eos], tokens);
        Assert.Equal(4, promptLength);
    }

    [Fact]
    public void A_long_example_keeps_its_answer_when_cut()
    {
        var config = LlamaConfig.TinyByteLevel;

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

public sealed class TrainerResumeTests : IDisposable
{
    private readonly Lion.Tests.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static LlamaForCausalLM Model(int seed)
    {
        manual_seed(seed);
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, MaxPositionEmbeddings = 64 });
    }

    private static List<(int[], int[])> Data()
    {
        var tokenizer = new ByteTokenizer();
        return Enumerable.Range(0, 40).Select(i => (tokenizer.Encode($"q{i}:"), tokenizer.Encode($"{i * 3}"))).ToList();
    }

    [Fact]
    public void A_run_stopped_mid_epoch_resumes_to_the_same_weights_as_an_uninterrupted_one()
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 8, LearningRate = 5e-3, SaveEverySteps = 2 };
        using var whole = Model(seed: 1);
        new SftTrainer(options).Train(whole, Data());

        string state = _folder.File("state");
        using var stop = new CancellationTokenSource();
        using var first = Model(seed: 1);
        var stopping = new SftTrainer(options with { StateFolder = state }) { StepDone = step => { if (step == 7) stop.Cancel(); } };
        Assert.Throws<OperationCanceledException>(() => stopping.Train(first, Data(), stop.Token));
        Assert.True(Directory.Exists(state));

        using var resumed = Model(seed: 99); // other starting weights: the state folder must supply them
        new SftTrainer(options with { StateFolder = state }).Train(resumed, Data());

        var expected = whole.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in resumed.named_parameters())
            Assert.True(allclose(expected[name], parameter, rtol: 1e-5, atol: 1e-6), name);
        Assert.False(Directory.Exists(state));
    }
}
