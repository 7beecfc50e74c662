using System.CommandLine;
using System.Text.Json;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>`lion status`: where a run stands, as text or JSON.</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new VocabularyJsonConverter() },
    };

    public static Command Create()
    {
        var folder = RunFolderOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var refused = new Option<bool>("--refused")
        {
            Description = "Also list every request the endpoint refused for the item's sake, by role, with the provider's words.",
        };

        var command = new Command("status", "Show a run's pools, stages and usage.") { folder, json, refused };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            RunOverview overview;
            RunConfig config;
            List<Refusal>? refusals = null;
            using (var store = RunStore.Open(parse.GetValue(folder)!))
            {
                overview = store.Summary.Overview();
                config = RunConfigReader.Parse(store.Config().Json, $"{store.Folder} (stored config)");
                if (parse.GetValue(refused))
                    refusals = store.Summary.Refusals();
            }
            int iterations = config.Iterations;
            if (parse.GetValue(json))
            {
                var document = JsonSerializer.SerializeToNode(overview, Json)!.AsObject();
                document.Insert(0, "state", State(overview, iterations));
                document.Insert(1, "iterations", iterations);
                document.Insert(2, "student", new System.Text.Json.Nodes.JsonObject
                {
                    ["kind"] = Vocabulary<StudentKind>.Word(config.Student.Runs),
                    ["model"] = config.Student.ModelName,
                });
                if (refusals is not null)
                    document["refused"] = JsonSerializer.SerializeToNode(refusals, Json);
                output.WriteLine(document.ToJsonString(Json));
            }
            else
            {
                WriteText(output, overview, iterations, config.Student);
                if (refusals is not null)
                    WriteRefusals(output, refusals);
            }
            return ExitCode.Success;
        }));
        return command;
    }

    /// <summary>Failure kinds that are an item's result or were fitted, not failures.</summary>
    private static readonly HashSet<string> RefusalKinds =
        [nameof(RemoteFailureKind.BadRequest), nameof(RemoteFailureKind.ContextExceeded), nameof(RemoteFailureKind.ContentFiltered)];

    private static void WriteRefusals(TextWriter output, IReadOnlyList<Refusal> refusals)
    {
        output.WriteLine($"Refused items: {refusals.Count}");
        foreach (var refusal in refusals)
            output.WriteLine($"  {refusal.Role,-9} {(refusal.Iteration is { } i ? $"iteration {i}" : ""),-12} lion-{refusal.InstructionId,-6} {refusal.Outcome,-14} " +
                             $"{Short(refusal.Instruction, 60)} — {Short(refusal.Message, 200)}");
    }

    /// <summary>One line of at most <paramref name="length"/> characters, control characters and line breaks as spaces.</summary>
    private static string Short(string text, int length)
    {
        string line = new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return line.Length <= length ? line : line[..(length - 1)] + "…";
    }

    private static string Describe(RunOverview.StageState stage) =>
        $"{Vocabulary<LoopStage>.Word(stage.Stage)} {Vocabulary<StageStatus>.Word(stage.Status)}" + (stage.Owed is { } owed ? $" ({owed})" : "");

    /// <summary>"finished" once the last iteration's generation is done; "stopped" when a stage stopped unfinished; else "not finished".</summary>
    private static string State(RunOverview run, int iterations) =>
        run.Stages.Any(s => s.Iteration == iterations && s.Stage == LoopStage.Generation && s.Status == StageStatus.Done) ? "finished"
        : run.Stages.Any(s => s.Status == StageStatus.Stopped) ? "stopped"
        : "not finished";

    private static string Age(TimeSpan age) =>
        age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min" : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min" : $"{(int)age.TotalSeconds} s";

    private static void WriteText(TextWriter output, RunOverview run, int iterations, StudentSettings student)
    {
        output.WriteLine($"Run       {Path.GetFullPath(run.Folder)}");
        output.WriteLine($"Created   {run.CreatedAt} by lion {run.LionVersion}");
        output.WriteLine($"Config    {run.ConfigSource ?? "defaults"}");
        output.WriteLine($"Student   {student.Describe()}");
        foreach (var import in run.Imports)
            output.WriteLine($"Seeds     {import.Source} ({import.Format}): {import.Records} records, " +
                             $"{import.Added} added, {import.Duplicates} duplicates merged");
        output.WriteLine("Instructions " + string.Join(", ", run.InstructionsByOrigin.Select(o => $"{Vocabulary<InstructionOrigin>.Word(o.Key)} {o.Value}")));

        int done = run.Stages.Where(s => s.Stage == LoopStage.Generation && s.Status == StageStatus.Done).Select(s => s.Iteration).DefaultIfEmpty(0).Max();
        output.WriteLine($"State     {State(run, iterations)}: {done} of {iterations} iterations done");
        foreach (var iteration in run.Pools.GroupBy(p => p.Iteration))
        {
            var sizes = string.Join(", ", iteration.Select(p => $"{Vocabulary<Pool>.Word(p.Pool)} {p.Instructions}"));
            if (iteration.Key > iterations)
            {
                // The pools the last generation left: the run's result, not an iteration to come.
                output.WriteLine($"After iteration {iterations}: pools {sizes}");
                continue;
            }
            var stages = run.Stages.Where(s => s.Iteration == iteration.Key).Select(Describe).ToList();
            output.WriteLine($"Iteration {iteration.Key}: pools {sizes}; stages {(stages.Count == 0 ? "not started" : string.Join(", ", stages))}");
        }

        foreach (var result in run.Results)
        {
            string judged = result.MeanGap is { } gap
                ? $"{result.Hard} hard, {result.Easy} easy, mean gap {gap:0.##}, order flips {result.FlipRate:P0}"
                : "not judged yet";
            string rejected = result.RejectedByReason.Count == 0 ? "none" : string.Join(", ", result.RejectedByReason.Select(r => $"{r.Key} {r.Value}"));
            string heldOut = (result.HeldOutAccuracy is { } accuracy ? $"held-out {accuracy:P1}; " : "")
                             + (result.BenchmarkSizedAccuracy is { } sized ? $"benchmark-sized {sized:P1}; " : "");
            string trained = result.Imitation is { } set
                ? $"trained on {set.Trained} of {set.Instructions}" +
                  (set.Trained == set.Instructions ? "; " : $" ({set.Truncated} truncated or empty, {set.Unanswerable} refused: left out); ")
                : "";
            string unwrapped = result.Unwrapped > 0 ? $" ({result.Unwrapped} unwrapped)" : "";
            output.WriteLine($"  iteration {result.Iteration}: {trained}{heldOut}{judged}; unparsed reviews {result.UnparsedReviews}; " +
                             $"generated {result.Kept} kept{unwrapped}, rejected: {rejected}");
            foreach (var failed in result.Failures)
                output.WriteLine($"    {failed.Role}: {failed.Count} failed requests, most often: {failed.CommonMessage}");
        }

        var usage = run.Usage;
        output.WriteLine($"Usage     {usage.Requests} requests, {usage.CachedHits} cache hits, " +
                         $"{usage.InputTokens} input tokens, {usage.OutputTokens} output tokens, cost {usage.Cost:0.####}");
        if (usage.BatchRequests > 0 || run.PendingBatches.Count > 0)
            output.WriteLine($"Batches   {run.BatchesDone.Batches} done ({usage.BatchRequests} requests paid at the batch price, " +
                             $"{run.BatchesDone.Failed} lines failed or expired and asked again), {run.PendingBatches.Count} pending");
        foreach (var batch in run.PendingBatches)
        {
            var age = DateTimeOffset.UtcNow - DateTimeOffset.Parse(batch.CreatedAt, System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine($"  {batch.BatchId ?? "(not submitted)"}: {batch.Role}, {batch.Lines} lines, " +
                             $"{Vocabulary<Lion.Core.Gateway.BatchStatus>.Word(batch.Status)}, {Age(age)} old (lion run polls it again)");
        }
        // Refusals of an item are its results (the lines below), and a context overflow was fitted or refused: neither is a failure.
        var failures = run.RemoteFailuresByKind.Where(f => !RefusalKinds.Contains(f.Key)).ToList();
        if (failures.Count > 0)
            output.WriteLine("Failures  " + string.Join(", ", failures.Select(f => $"{f.Key} {f.Value}")) +
                             " (remote calls that failed; retried ones included)");
        if (run.UnanswerableByRole.Count > 0)
            output.WriteLine("Refused   " + string.Join(", ", run.UnanswerableByRole.Select(u => $"{u.Key} {u.Value}")) +
                             " (results: requests the endpoint refused for the item's sake, kept as unanswerable under these parameters, " +
                             "never trained on; `lion status --refused` lists them)");
        if (run.ContentFilteredByRole.Count > 0)
            output.WriteLine("Filtered  " + string.Join(", ", run.ContentFilteredByRole.Select(u => $"{u.Key} {u.Value}")) +
                             " (requests the provider's content filter refused or withheld: never asked again under these parameters, never trained on)");
        if (run.ClampedByRole.Count > 0)
            output.WriteLine("Fitted    " + string.Join(", ", run.ClampedByRole.Select(c => $"{c.Key} {c.Value.Requests} (down to {c.Value.FewestTokens} tokens)")) +
                             " (requests whose max_tokens was lowered to fit the model's context)");
    }
}
