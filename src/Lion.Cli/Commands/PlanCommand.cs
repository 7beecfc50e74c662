using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Planning;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>
/// `lion plan`: what a run will ask for and cost before it asks — requests, tokens and cost per
/// role and iteration, and the wall time the rate limits imply — from the same options as
/// `lion run` (no options: the demo preset), or for a run being continued from its stored config,
/// seeds and measured history. A table for people, then one JSON line for tools.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "A run config (defaults: the paper's).", HelpName = "FILE" };
        var seeds = new Option<string?>("--seeds") { Description = "Seed instructions (any import format).", HelpName = "FILE" };
        var preset = WordOption.Optional<RunPreset>("--preset", "A ready-made run, as for lion run.");
        var folder = new Option<string?>("--out")
        {
            Description = "A run being continued: its stored config (or --config), its seeds and what it has measured so far.",
            HelpName = "DIR",
        };
        var json = new Option<bool>("--json") { Description = "Print only the JSON line." };

        var command = new Command("plan", "Expected requests, tokens, cost and wall time of a run, before any request.") { config, seeds, preset, folder, json };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            RunPlan plan;
            if (parse.GetValue(folder) is { } runFolder && RunStore.IsRunFolder(runFolder))
            {
                using var store = RunStore.Open(runFolder);
                var stored = parse.GetValue(config) is { } path ? RunConfigReader.Read(path)
                    : RunConfigReader.Parse(store.Config().Json, $"{runFolder} (stored config)");
                var seedRecords = store.Plans.SeedInstructions();
                if (seedRecords.Count == 0)
                    throw new Core.BadInputException($"{runFolder}: the run has no seed instructions to plan from");
                plan = RunPlanner.Plan(stored, seedRecords, store.Plans.PlanHistory());
            }
            else
            {
                var from = NewRunSource.Resolve(parse.GetValue(folder) ?? RunFolderOption.DefaultFolder,
                    parse.GetValue(config), parse.GetValue(seeds), parse.GetValue(preset));
                from.Seeds.WarnAboutDropped(parse.InvocationConfiguration.Error);
                plan = RunPlanner.Plan(from.Config, from.Seeds.Records);
            }
            if (!parse.GetValue(json))
                WriteTable(output, plan);
            output.WriteLine(plan.ToJson());
            return ExitCode.Success;
        }));
        return command;
    }

    /// <summary>The seed instructions of a stored run.</summary>

    private static void WriteTable(TextWriter output, RunPlan plan)
    {
        if (plan.Lines.Count == 0)
        {
            output.WriteLine("Nothing is left to ask: every iteration of the run is done (`lion run --out DIR --config FILE` with more iterations continues it).");
            return;
        }
        output.WriteLine($"{"iteration",9} {"role",-10} {"model",-24} {"requests",10} {"input tokens",14} {"output tokens",14} {"cost",10}");
        foreach (var line in plan.Lines)
            output.WriteLine($"{line.Iteration,9} {line.Role,-10} {Short(line.Model),-24} {line.Requests,10:N0} {line.InputTokens,14:N0} {line.OutputTokens,14:N0} {Money(line.Cost),10}");
        output.WriteLine($"{"total",9} {"",-10} {"",-24} {plan.Requests,10:N0} {plan.InputTokens,14:N0} {plan.OutputTokens,14:N0} {Money(plan.Cost),10}");
        if (plan.WallMinutes > 0)
            output.WriteLine($"Wall time the rate limits imply: {Duration(plan.WallMinutes)}");
        foreach (string model in plan.UnpricedModels)
            output.WriteLine($"No price for \"{model}\": its cost is not guessed; add prices.\"{model}\" (input_per_million, output_per_million) to the config.");
        output.WriteLine("Assumptions:");
        foreach (string assumption in plan.Assumptions)
            output.WriteLine($"  - {assumption}");
    }

    private static string Money(double? cost) => cost is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "unknown";

    private static string Short(string model) => model.Length <= 24 ? model : model[..21] + "...";

    private static string Duration(double minutes) =>
        minutes < 60 ? $"{minutes:0.#} minutes" : minutes < 48 * 60 ? $"{minutes / 60:0.#} hours" : $"{minutes / 1440:0.#} days";
}
