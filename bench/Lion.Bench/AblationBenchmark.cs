using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lion.Core;
using Lion.Core.Store;

namespace Lion.Bench;

/// <summary>
/// The paper's central claim in miniature: with the same number of teacher-answered training
/// items, do instructions made from the hard ones (adversarial selection) teach the student more
/// than instructions made from seeds drawn without the referee's verdict (random selection)?
/// Runs the demo preset both ways for each random seed and compares, paired by seed, the
/// accuracy on both test sets after every iteration: held-out items at the seeds' sizes, and items
/// at the benchmark's own sizes.
/// Arguments: [seeds] [extra config JSON merged over the demo's, e.g. {"train_on":"new"}] [first
/// seed, 1 unless given: a replication on seeds not looked at before] [the second arm's config JSON,
/// merged over the first's: {"selection":"random"} unless given, e.g. {"hard_easy_ratio":"0:1"} for
/// the paper's own ablation].
/// LION_ABLATION_ARMS=second runs only the second arm (or =first only the first): an arm already
/// measured on the same seeds and config is not run again, and the pairing is done from both outputs.
/// </summary>
internal static class AblationBenchmark
{
    private sealed record Arm(string Name, string Extra);

    public static int Run(string[] args)
    {
        int seeds = args.Length > 0 ? int.Parse(args[0]) : 3;
        string extra = args.Length > 1 ? args[1] : "{}";
        int first = args.Length > 2 ? int.Parse(args[2]) : 1;
        string second = args.Length > 3 ? args[3] : """{"selection":"random"}""";
        Arm[] arms = [new("first", "{}"), new("second", second)];
        if (Environment.GetEnvironmentVariable("LION_ABLATION_ARMS") is { Length: > 0 } only)
            arms = arms.Where(a => a.Name == only).ToArray() is { Length: > 0 } chosen
                ? chosen
                : throw new ArgumentException($"LION_ABLATION_ARMS: '{only}' is not an arm; the arms are first and second");
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-ablation-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            // Per arm, per seed: the accuracy after each iteration on each test set, and the final one per task.
            var curves = arms.ToDictionary(a => a.Name, _ => new List<Dictionary<TestSet, double[]>>());
            var finalTasks = arms.ToDictionary(a => a.Name, _ => new List<Dictionary<string, double>>());
            var clock = Stopwatch.StartNew();
            for (int seed = first; seed < first + seeds; seed++)
            {
                var demo = Lion.Cli.Commands.RunPresets.Get(Lion.Cli.Commands.RunPreset.Demo).Config with { RandomSeed = seed };
                string common = Merge(Lion.Core.Config.RunConfigReader.ToJson(demo), extra);
                foreach (var arm in arms)
                {
                    string config = Path.Combine(work, $"config-{arm.Name}-{seed}.json");
                    File.WriteAllText(config, Merge(common, arm.Extra));
                    string run = Path.Combine(work, $"{arm.Name}-{seed}");
                    var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "lion"),
                        ["run", "--preset", "demo", "--config", config, "--out", run])
                    { RedirectStandardOutput = true, RedirectStandardError = true };
                    using var process = Process.Start(start)!;
                    var stderr = process.StandardError.ReadToEndAsync();
                    process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    if (process.ExitCode != 0)
                        throw new InvalidOperationException($"{arm.Name} seed {seed} failed: {stderr.Result}");
                    using var store = RunStore.Open(run);
                    var curve = new Dictionary<TestSet, double[]>();
                    foreach (var set in new[] { TestSet.HeldOut, TestSet.BenchmarkSized })
                    {
                        var scores = store.Evaluations.Scores(set);
                        if (scores.Count > 0)
                            curve[set] = scores.GroupBy(s => s.Iteration).OrderBy(g => g.Key).Select(g => g.Average(s => s.Score.Accuracy)).ToArray();
                    }
                    // Per task on the set the arms are compared on: an overall difference is usually one family's.
                    var compared = store.Evaluations.Scores(curve.ContainsKey(TestSet.BenchmarkSized) ? TestSet.BenchmarkSized : TestSet.HeldOut);
                    int last = compared.Max(s => s.Iteration);
                    finalTasks[arm.Name].Add(compared.Where(s => s.Iteration == last).ToDictionary(s => s.Score.Task, s => s.Score.Accuracy));
                    curves[arm.Name].Add(curve);
                    Console.WriteLine($"seed {seed} {arm.Name}: " + string.Join("; ", curve.Select(c =>
                        $"{Vocabulary(c.Key)} {string.Join(" → ", c.Value.Select(a => a.ToString("P1")))}")) + $" ({clock.Elapsed.TotalMinutes:F1} min so far)");
                    Console.WriteLine($"  last train pool, mean size: {string.Join(", ", PoolSizes(store, last).Select(f => $"{f.Key} {f.Value:F2}"))}");
                }
            }
            if (arms.Length == 1)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    benchmark = "ablation",
                    scale = "demo preset",
                    config = JsonDocument.Parse(extra).RootElement,
                    arm = arms[0].Name,
                    arm_config = JsonDocument.Parse(arms[0].Extra).RootElement,
                    seeds = Enumerable.Range(first, seeds),
                    sets = Sets(arms[0].Name),
                    minutes = Math.Round(clock.Elapsed.TotalMinutes, 1),
                }));
                return 0;
            }
            // The target set: benchmark-sized where the run has it, else held-out.
            var target = curves["first"].All(c => c.ContainsKey(TestSet.BenchmarkSized)) ? TestSet.BenchmarkSized : TestSet.HeldOut;
            List<double> Finals(string arm, TestSet set) => curves[arm].Select(c => c[set][^1]).ToList();
            var (mean, error) = Paired(Finals("first", target), Finals("second", target));
            var taskDifferences = finalTasks["first"].SelectMany(d => d.Keys).Distinct().Order().ToDictionary(task => task, task =>
            {
                var (m, e) = Paired(finalTasks["first"].Select(d => d[task]).ToList(), finalTasks["second"].Select(d => d[task]).ToList());
                return new { mean_difference = Math.Round(m, 4), standard_error = e is { } x ? Math.Round(x, 4) : (double?)null };
            });
            object Sets(string arm) => curves[arm][0].Keys.ToDictionary(Vocabulary, set => new
            {
                per_seed = curves[arm].Select(c => c[set].Select(a => Math.Round(a, 4))),
                mean_by_iteration = Enumerable.Range(0, curves[arm].Min(c => c[set].Length)).Select(i => Math.Round(curves[arm].Average(c => c[set][i]), 4)),
            });
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "ablation",
                scale = "demo preset",
                config = JsonDocument.Parse(extra).RootElement,
                second_arm = JsonDocument.Parse(second).RootElement,
                seeds = Enumerable.Range(first, seeds),
                first = Sets("first"),
                second = Sets("second"),
                compared_on = Vocabulary(target),
                mean_difference = Math.Round(mean, 4),
                standard_error = error is { } e ? Math.Round(e, 4) : (double?)null,
                tasks = taskDifferences,
                minutes = Math.Round(clock.Elapsed.TotalMinutes, 1),
            }));
            return 0;
        }
        finally
        {
            // LION_BENCH_KEEP=1 leaves the runs for lion status, compare and report.
            if (Environment.GetEnvironmentVariable("LION_BENCH_KEEP") == "1")
                Console.WriteLine($"runs kept in {work}");
            else
                Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Per family, the mean size of the items the student trained on last (brackets, entries,
    /// people): how far each arm's pool climbed from the seeds' sizes.
    /// </summary>
    private static SortedDictionary<string, double> PoolSizes(RunStore store, int iteration) =>
        new(store.Loop.PoolMembers(Pool.Train, iteration)
            .Select(item => Shape(Lion.Core.Prompts.StudentPrompt.Question(item.Instruction, item.Input)))
            .OfType<Lion.Oracle.ItemShape>()
            .GroupBy(shape => shape.Family)
            .ToDictionary(g => g.Key, g => g.Average(shape => (double)shape.Size)));

    private static Lion.Oracle.ItemShape? Shape(string question)
    {
        try
        {
            return Lion.Oracle.Oracle.Solve(question).Shape;
        }
        catch (Lion.Oracle.UnsolvableItemException)
        {
            return null;
        }
    }

    private static string Vocabulary(TestSet set) => Lion.Core.Vocabulary<TestSet>.Word(set);

    /// <summary>The mean of the paired differences a − r and its standard error.</summary>
    private static (double Mean, double? Error) Paired(IReadOnlyList<double> a, IReadOnlyList<double> r)
    {
        var differences = a.Zip(r, (x, y) => x - y).ToList();
        double mean = differences.Average();
        // One seed has no spread to estimate: no standard error rather than a made-up one.
        double? error = differences.Count > 1
            ? Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1) / differences.Count)
            : null;
        return (mean, error);
    }

    /// <summary>Shallow merge of two JSON objects: the second's keys win.</summary>
    private static string Merge(string first, string second)
    {
        var merged = JsonNode.Parse(first)!.AsObject();
        MergeInto(merged, JsonNode.Parse(second)!.AsObject());
        return merged.ToJsonString();
    }

    /// <summary>Objects merge key by key, at every depth: {"student": {"epochs": 4}} keeps the demo student's other settings.</summary>
    private static void MergeInto(JsonObject target, JsonObject extra)
    {
        foreach (var (key, value) in extra)
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
                MergeInto(existing, inner);
            else
                target[key] = value?.DeepClone();
        }
    }
}
