using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Lion.Cli;
using Lion.Cli.Commands;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Bench;

/// <summary>
/// The demo's schedule (its seeds, sizes and three iterations) with the oracle answering plainly,
/// then as chat models wrap their replies (chatty-wrapping), then with their mishaps too (chatty):
/// how many referee replies parse at the first attempt, how many new instructions each paid
/// generator request yields against the plain run, and how many verdicts agree with the plain
/// run's. The content is the same in every style, so under chatty-wrapping every verdict must
/// agree. The student is the oracle's simulated one unless told "torch" (the demo's, which is not
/// reproducible to the bit, so its verdicts can differ for reasons that are not the wrapping).
/// </summary>
internal static class ChattyBenchmark
{
    private static readonly string[] Styles = ["plain", "chatty-wrapping", "chatty"];

    public static int Run(string[] args)
    {
        string student = args.Length > 0 ? args[0] : "simulated";
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-chatty-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            var (preset, seeds) = RunPresets.Get(RunPreset.Demo);
            string seedFile = Path.Combine(work, "seeds.jsonl");
            using (var stream = File.Create(seedFile))
                DatasetWriter.Write(seeds.Records.Select((r, i) => new DatasetRecord(i.ToString(), r)), ExportFormat.JsonLines, stream);

            var results = new Dictionary<string, StyleResult>();
            foreach (string style in Styles)
            {
                var config = preset with
                {
                    Oracle = new OracleSettings { Style = Vocabulary<OracleStyle>.Parse(style) },
                    Evaluation = new EvaluationSettings(),
                    Student = student == "torch" ? preset.Student : new StudentSettings { Kind = StudentKind.Simulated },
                };
                string configFile = Path.Combine(work, $"{style}.json");
                File.WriteAllText(configFile, RunConfigReader.ToJson(config));
                string run = Path.Combine(work, style);
                var clock = Stopwatch.StartNew();
                int code = Lion("init", "--seeds", seedFile, "--config", configFile, "--out", run);
                code = code == 0 ? Lion("run", "--out", run) : code;
                results[style] = Measure(run, code, clock.Elapsed.TotalSeconds);
                Console.WriteLine($"{style}: exit {code} in {clock.Elapsed.TotalSeconds:F0} s, referee parsed at first attempt " +
                                  $"{results[style].ParsedFirst:P2}, kept {results[style].Kept} of {results[style].GeneratorRequests} generator replies");
            }

            var plain = results["plain"];
            double Agreement(StyleResult other, out int common)
            {
                var shared = plain.Verdicts.Keys.Intersect(other.Verdicts.Keys).ToList();
                common = shared.Count;
                return shared.Count == 0 ? 0 : shared.Count(key => plain.Verdicts[key] == other.Verdicts[key]) / (double)shared.Count;
            }
            double wrappingAgreement = Agreement(results["chatty-wrapping"], out int wrappingCommon);
            double chattyAgreement = Agreement(results["chatty"], out int chattyCommon);
            double KeptRatio(string style) => results[style].KeptPerRequest / plain.KeptPerRequest;
            bool met = results.Values.All(r => r.ExitCode == 0)
                       && results.Values.All(r => r.ParsedFirst >= 0.98)
                       && KeptRatio("chatty-wrapping") >= 0.9 && KeptRatio("chatty") >= 0.9
                       && wrappingAgreement == 1.0 && wrappingCommon == plain.Verdicts.Count;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "chatty",
                student,
                exit_codes = Styles.ToDictionary(s => s, s => results[s].ExitCode),
                seconds = Styles.ToDictionary(s => s, s => Math.Round(results[s].Seconds)),
                referee_parsed_first_attempt = Styles.ToDictionary(s => s, s => Math.Round(results[s].ParsedFirst, 4)),
                generator_kept_per_request = Styles.ToDictionary(s => s, s => Math.Round(results[s].KeptPerRequest, 4)),
                generator_kept_per_request_vs_plain = Styles.Skip(1).ToDictionary(s => s, s => Math.Round(KeptRatio(s), 4)),
                generator_replies_unwrapped = Styles.ToDictionary(s => s, s => results[s].Unwrapped),
                verdicts_agreeing_with_plain = new
                {
                    chatty_wrapping = Math.Round(wrappingAgreement, 4), chatty_wrapping_compared = wrappingCommon,
                    chatty = Math.Round(chattyAgreement, 4), chatty_compared = chattyCommon, plain_verdicts = plain.Verdicts.Count,
                },
                targets_met = met,
            }));
            return met ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record StyleResult(
        int ExitCode, double Seconds, double ParsedFirst, int GeneratorRequests, int Kept, int Unwrapped, Dictionary<(int, string), string> Verdicts)
    {
        public double KeptPerRequest => GeneratorRequests == 0 ? 0 : Kept / (double)GeneratorRequests;
    }

    private static StyleResult Measure(string run, int exitCode, double seconds)
    {
        using var store = RunStore.Open(run);
        var pool = store.Datasets.ReadDataset(PoolSelection.All).ToDictionary(r => long.Parse(r.Id["lion-".Length..]), r => r.Instruction.Instruction);
        int firstAsked = 0, firstParsed = 0, requests = 0, kept = 0, unwrapped = 0;
        var verdicts = new Dictionary<(int, string), string>();
        for (int iteration = 1; iteration <= 3; iteration++)
        {
            var first = store.Loop.Reviews(iteration).Where(r => r.Attempt == 1).ToList();
            firstAsked += first.Count;
            firstParsed += first.Count(r => r.ParseError is null);
            var attempts = store.Loop.Attempts(iteration);
            requests += attempts.Count;
            kept += attempts.Count(a => a.Kept);
            unwrapped += attempts.Count(a => a.Unwrapped);
            foreach (var verdict in store.Loop.Verdicts(iteration))
                verdicts[(iteration, pool[verdict.InstructionId])] = Vocabulary<VerdictLabel>.Word(verdict.Label);
        }
        return new StyleResult(exitCode, seconds, firstAsked == 0 ? 0 : firstParsed / (double)firstAsked, requests, kept, unwrapped, verdicts);
    }

    private static int Lion(params string[] args)
    {
        var output = new StringWriter();
        int code = LionCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output });
        if (code != 0)
            Console.WriteLine(string.Join('\n', output.ToString().Split('\n').TakeLast(5)));
        return code;
    }
}
