using System.CommandLine;
using System.Text.Json;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Evaluation;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>`lion compare DIR DIR`: two runs side by side, iteration by iteration (an adversarial run against its random ablation, say), held-out accuracy overall and per task.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("FIRST") { Description = "A run folder." };
        var second = new Argument<string>("SECOND") { Description = "Another run folder." };
        var html = new Option<string?>("--html")
        {
            Description = "Also write both runs' reports side by side as one HTML page (its plots beside it).",
            HelpName = "FILE",
        };
        var command = new Command("compare", "Show two runs side by side: held-out accuracy, verdicts, generations and usage per iteration.") { first, second, html };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            var runs = new[] { parse.GetValue(first)!, parse.GetValue(second)! }.Select(Summary).ToList();
            output.WriteLine($"{"",-24}{Short(runs[0].Folder),24}{Short(runs[1].Folder),24}");
            output.WriteLine($"{"selection",-24}{Vocabulary<SeedSelection>.Word(runs[0].Selection),24}{Vocabulary<SeedSelection>.Word(runs[1].Selection),24}");
            int iterations = runs.Max(r => r.Overview.Results.Count == 0 ? 0 : r.Overview.Results.Max(x => x.Iteration));
            for (int i = 1; i <= iterations; i++)
            {
                var rows = runs.Select(r => r.Overview.Results.FirstOrDefault(x => x.Iteration == i)).ToList();
                output.WriteLine($"iteration {i}");
                Row(output, "  held-out", rows.Select(r => r?.HeldOutAccuracy is { } a ? a.ToString("P1") : "–"));
                // Per task: an overall difference is often one family's, and this is where it shows.
                foreach (var task in runs.SelectMany(r => r.Tasks).Where(t => t.Iteration == i).Select(t => t.Score.Task).Distinct().Order())
                    Row(output, $"    {task}", runs.Select(r => r.Tasks.FirstOrDefault(t => t.Iteration == i && t.Score.Task == task).Score is { } score
                        ? score.Accuracy.ToString("P1") : "–"));
                if (rows.Any(r => r?.BenchmarkSizedAccuracy is not null))
                    Row(output, "  benchmark-sized", rows.Select(r => r?.BenchmarkSizedAccuracy is { } b ? b.ToString("P1") : "–"));
                Row(output, "  hard / easy", rows.Select(r => r is null ? "–" : $"{r.Hard} / {r.Easy}"));
                Row(output, "  mean gap", rows.Select(r => r?.MeanGap is { } g ? g.ToString("0.00") : "–"));
                Row(output, "  generated kept", rows.Select(r => r is null ? "–" : r.Kept.ToString()));
            }
            Row(output, "paid requests", runs.Select(r => r.Overview.Usage.Requests.ToString()));
            Row(output, "cost", runs.Select(r => r.Overview.Usage.Cost.ToString("0.####")));
            if (parse.GetValue(html) is { } page)
            {
                using var a = RunStore.Open(parse.GetValue(first)!);
                using var b = RunStore.Open(parse.GetValue(second)!);
                output.WriteLine($"Wrote {Report.RunReport.Compare(a, b, page)}");
            }
            output.WriteLine(JsonSerializer.Serialize(new
            {
                runs = runs.Select(r => new
                {
                    folder = r.Folder,
                    selection = Vocabulary<SeedSelection>.Word(r.Selection),
                    held_out = r.Overview.Results.Where(x => x.HeldOutAccuracy is not null).Select(x => new
                    {
                        iteration = x.Iteration,
                        accuracy = Math.Round(x.HeldOutAccuracy!.Value, 4),
                        tasks = r.Tasks.Where(t => t.Iteration == x.Iteration).ToDictionary(t => t.Score.Task, t => Math.Round(t.Score.Accuracy, 4)),
                    }),
                    final_held_out = r.Overview.Results.LastOrDefault(x => x.HeldOutAccuracy is not null)?.HeldOutAccuracy,
                    benchmark_sized = r.Overview.Results.Where(x => x.BenchmarkSizedAccuracy is not null)
                        .Select(x => new { iteration = x.Iteration, accuracy = Math.Round(x.BenchmarkSizedAccuracy!.Value, 4) }),
                }),
            }));
            return ExitCode.Success;
        }));
        return command;
    }

    private static (string Folder, SeedSelection Selection, RunOverview Overview, List<(int Iteration, TaskScore Score)> Tasks) Summary(string folder)
    {
        using var store = RunStore.Open(folder);
        var config = RunConfigReader.Parse(store.Config().Json, $"{folder} (stored config)");
        return (folder, config.Selection, store.Summary.Overview(), store.Evaluations.Scores());
    }

    private static void Row(TextWriter output, string label, IEnumerable<string> values) =>
        output.WriteLine($"{label,-24}{string.Concat(values.Select(v => $"{v,24}"))}");

    private static string Short(string folder)
    {
        string name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/'));
        return name.Length <= 22 ? name : name[..21] + "…";
    }
}
