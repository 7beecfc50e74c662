using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lion.Core.Store;

namespace Lion.Bench;

/// <summary>
/// The paper's central claim in miniature: with the same number of teacher-answered training
/// items, do instructions made from the hard ones (adversarial selection) teach the student more
/// than instructions made from seeds drawn without the referee's verdict (random selection)?
/// Runs the demo preset (oracle teacher, TorchSharp student from scratch) both ways for three
/// random seeds and compares the final held-out accuracy, paired by seed.
/// Arguments: [seeds] [extra config JSON merged over the demo's, e.g. {"train_on":"all"}] [first seed, 1 unless
/// given: a replication on seeds not looked at before].
/// </summary>
internal static class AblationBenchmark
{
    public static int Run(string[] args)
    {
        int seeds = args.Length > 0 ? int.Parse(args[0]) : 3;
        string extra = args.Length > 1 ? args[1] : "{}";
        int first = args.Length > 2 ? int.Parse(args[2]) : 1;
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-ablation-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            var results = new Dictionary<string, List<double>> { ["adversarial"] = [], ["random"] = [] };
            // Final held-out accuracy per task and seed, per selection: an overall difference is usually one family's.
            var perTask = new Dictionary<string, List<Dictionary<string, double>>> { ["adversarial"] = [], ["random"] = [] };
            var clock = Stopwatch.StartNew();
            for (int seed = first; seed < first + seeds; seed++)
            {
                string config = Path.Combine(work, $"config-{seed}.json");
                // The demo's own config, with this seed and the extra keys on top.
                var demo = Lion.Cli.Commands.RunPresets.Get(Lion.Cli.Commands.RunPreset.Demo).Config with { RandomSeed = seed };
                File.WriteAllText(config, Merge(Lion.Core.Config.RunConfigReader.ToJson(demo), extra));
                foreach (var selection in results.Keys)
                {
                    string run = Path.Combine(work, $"{selection}-{seed}");
                    var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "lion"),
                        ["run", "--preset", "demo", "--config", config, "--selection", selection, "--out", run])
                    { RedirectStandardOutput = true, RedirectStandardError = true };
                    using var process = Process.Start(start)!;
                    process.StandardOutput.ReadToEnd();
                    string stderr = process.StandardError.ReadToEnd();
                    process.WaitForExit();
                    if (process.ExitCode != 0)
                        throw new InvalidOperationException($"{selection} seed {seed} failed: {stderr}");
                    using var store = RunStore.Open(run);
                    double accuracy = store.Overview().Results.Last(r => r.HeldOutAccuracy is not null).HeldOutAccuracy!.Value;
                    results[selection].Add(accuracy);
                    var scores = store.Evaluations();
                    int last = scores.Max(s => s.Iteration);
                    var tasks = scores.Where(s => s.Iteration == last).ToDictionary(s => s.Score.Task, s => s.Score.Accuracy);
                    perTask[selection].Add(tasks);
                    Console.WriteLine($"seed {seed} {selection}: final held-out {accuracy:P1} "
                                      + $"({string.Join(", ", tasks.Select(t => $"{t.Key} {t.Value:P1}"))}; {clock.Elapsed.TotalMinutes:F1} min so far)");
                }
            }
            var (mean, error) = Paired(results["adversarial"], results["random"]);
            var taskDifferences = perTask["adversarial"].SelectMany(d => d.Keys).Distinct().Order().ToDictionary(task => task, task =>
            {
                var (m, e) = Paired(perTask["adversarial"].Select(d => d[task]).ToList(), perTask["random"].Select(d => d[task]).ToList());
                return new { mean_difference = Math.Round(m, 4), standard_error = e is { } x ? Math.Round(x, 4) : (double?)null };
            });
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "ablation",
                scale = "demo preset",
                config = JsonDocument.Parse(extra).RootElement,
                seeds = Enumerable.Range(first, seeds),
                adversarial = results["adversarial"].Select(a => Math.Round(a, 4)),
                random = results["random"].Select(a => Math.Round(a, 4)),
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
