using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Prompts;
using Lion.Oracle;

namespace Lion.Cli.Commands;

/// <summary>
/// Ready-made runs that need no key, download or GPU, with the oracle as teacher, referee and
/// generator. smoke: the oracle's simulated student, 45 seeds over the nine families, 24 new
/// instructions an iteration, 3 iterations, seconds. demo (the default): the in-process
/// TorchSharp student trained from scratch on everything answered so far (6 epochs, then 3 an
/// iteration: more distinct items and fewer passes teach it more than the reverse, and keep it
/// from learning the pool by heart, which would make the referee's verdicts about memory rather
/// than skill), 900 seeds a family of <see cref="DemoFamilies"/> at their two easiest sizes, 600
/// new instructions an iteration, two test sets of 1,000 items a family (written to the run folder,
/// never trained on, never generated) scored after every iteration: held-out items at the seeds'
/// sizes, and items at BBH's own sizes and variants; a few minutes.
/// tiny: the demo's path at test size.
/// </summary>
internal static class RunPresets
{
    public const string HeldOutFolder = "heldout";
    public const string BenchmarkSizedFolder = "heldout-benchmark-sized";

    /// <summary>
    /// The task families of the demo: those a student of 0.4 M parameters, trained from scratch
    /// on bare answers, learns above chance within minutes on two cores (docs/demo.md has the
    /// figures; boolean expressions is left out because its easiest sizes hold too few distinct
    /// items to keep any out). The other families stay at chance: the referee rightly calls them
    /// hard, and every instruction made from them would be spent on what this student cannot
    /// learn, so the demo would measure noise. Web of lies starts at two people, which the student
    /// learns and from which it goes on to learn the family; with three and four people only, most
    /// runs answered it with one label to the end.
    /// </summary>
    public static IReadOnlyList<string> DemoFamilies { get; } = ["dyck_languages", "object_counting", "web_of_lies"];

    public static (RunConfig Config, SeedFile Seeds) Get(RunPreset preset) => preset switch
    {
        RunPreset.Smoke => (new RunConfig { Iterations = 3, NewInstructionsPerIteration = 24, Concurrency = 8 }, OracleSeeds("preset:smoke", 5, 2305)),
        RunPreset.Demo => (Student(new RunConfig
            {
                Iterations = 3, NewInstructionsPerIteration = 600, Concurrency = 8, TrainOn = TrainingData.All, GenerationAttemptsPerInstruction = 3,
                // Items of one family share their template: ROUGE-L sees near-copies everywhere (every
                // Dyck item is the same sentence once brackets are dropped). Exact copies are still refused.
                NoveltyThreshold = 1.0,
            }, epochs: 6, maxTokens: 16, laterEpochs: 3, benchmarkSized: true),
            OracleSeeds("preset:demo", 900, 2305, easiestSizes: 2, DemoFamilies)),
        _ => (Student(new RunConfig { Iterations = 2, NewInstructionsPerIteration = 12, Concurrency = 4 }, epochs: 1, maxTokens: 8),
            OracleSeeds("preset:tiny", 4, 2305, easiestSizes: 1)),
    };

    /// <summary>
    /// The test sets of a preset with them, written as BBH-format files, none of their items a seed:
    /// held-out items at the seeds' sizes, and for the demo also items at the benchmark's own sizes.
    /// </summary>
    public static void WriteHeldOut(RunPreset preset, string runFolder, SeedFile seeds)
    {
        if (preset == RunPreset.Smoke)
            return;
        var taken = seeds.Records.Select(r => r.Instruction).ToHashSet();
        var random = new Random(99);
        // Its own source, so the held-out items are the same with or without the second set.
        var sizedRandom = new Random(101);
        string folder = Path.Combine(runFolder, HeldOutFolder);
        Directory.CreateDirectory(folder);
        // 1,000 a family: with 100, the choice of test items alone moved a student's score as much as
        // the training seed did, enough to fake or hide an effect of selection (docs/demo.md).
        bool demo = preset == RunPreset.Demo;
        int perFamily = demo ? 1000 : 3;
        foreach (var family in Oracle.Oracle.Families.Where(f => !demo || DemoFamilies.Contains(f.Name)))
        {
            var items = new List<object>();
            // A family with few distinct small items may run out of ones the seeds did not take.
            for (int attempt = 0; items.Count < perFamily && attempt < 1000 * perFamily; attempt++)
            {
                // Cycled by attempt, so a size and variant whose few items the seeds took is passed over.
                var item = Crossed(family, random, attempt, demo ? 2 : 1);
                if (taken.Add(item.Input))
                    items.Add(new { input = item.Input, target = item.Target });
            }
            // Seeds that cover a family's whole small-item space leave nothing unseen to test it on:
            // no file then, rather than an empty task scored 0 %.
            if (items.Count > 0)
                WriteTask(folder, family.Name, items);
            if (demo && BenchmarkMix.For(family.Name) is { } mix)
                WriteTask(Path.Combine(runFolder, BenchmarkSizedFolder), family.Name, BenchmarkSized(family, mix, sizedRandom, taken, perFamily));
        }
    }

    /// <summary>
    /// Items drawn at the benchmark's own mix of sizes and variants (<see cref="BenchmarkMix"/>), none
    /// a seed or a held-out item: where the user wants the student to get, mostly beyond its seeds' sizes.
    /// </summary>
    private static List<object> BenchmarkSized(ITaskFamily family, IReadOnlyList<BenchmarkMix.Cell> mix, Random random, HashSet<string> taken, int count)
    {
        var items = new List<object>();
        for (int attempt = 0; items.Count < count && attempt < 1000 * count; attempt++)
        {
            var cell = BenchmarkMix.Draw(mix, random);
            var item = family.Generate(random, cell.Size, cell.Variant);
            if (taken.Add(item.Input))
                items.Add(new { input = item.Input, target = item.Target });
        }
        return items;
    }

    private static void WriteTask(string folder, string task, List<object> items)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{task}.json"), System.Text.Json.JsonSerializer.Serialize(new { examples = items }) + "\n");
    }

    private static RunConfig Student(RunConfig config, int epochs, int maxTokens, int? laterEpochs = null, bool benchmarkSized = false) => config with
    {
        // A student from scratch learns far more per second with a short prompt than inside the Alpaca frame.
        Student = new StudentSettings
        {
            Kind = StudentKind.Torch, Epochs = epochs, LaterEpochs = laterEpochs, MaxTokens = maxTokens, Temperature = 0, PromptFormat = PromptFormat.Plain,
        },
        Evaluation = new EvaluationSettings { BbhData = HeldOutFolder, BenchmarkSizedData = benchmarkSized ? BenchmarkSizedFolder : null, MaxNewTokens = maxTokens },
    };

    /// <summary>
    /// The <paramref name="index"/>-th item of a family's mix: sizes and variants crossed (every
    /// variant at every size that has it), not stepped together, which would pair each size with one variant.
    /// </summary>
    private static TaskItem Crossed(ITaskFamily family, Random random, int index, int sizes)
    {
        var cells = family.Variants.SelectMany(variant => family.Sizes.Take(sizes).Select(size => (Size: size, Variant: variant)))
            .Where(cell => family.Exists(cell.Size, cell.Variant)).ToList();
        var (size, variant) = cells[index % cells.Count];
        return family.Generate(random, size, variant);
    }

    /// <summary>Seeds made by the oracle: a few items of every family (or of the named ones), across its (easiest) sizes and its variants.</summary>
    public static SeedFile OracleSeeds(string source, int perFamily, int seed, int? easiestSizes = null, IReadOnlyCollection<string>? families = null)
    {
        var random = new Random(seed);
        var records = new List<InstructionRecord>();
        foreach (var family in Oracle.Oracle.Families.Where(f => families is null || families.Contains(f.Name)))
        {
            int sizes = Math.Min(easiestSizes ?? family.Sizes.Count, family.Sizes.Count);
            for (int i = 0; i < perFamily; i++)
            {
                var item = Crossed(family, random, i, sizes);
                records.Add(new InstructionRecord(item.Input));
            }
        }
        return new SeedFile(source, SeedFormat.PlainText, records);
    }
}
