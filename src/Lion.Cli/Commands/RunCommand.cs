using System.CommandLine;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Runs;

namespace Lion.Cli.Commands;

/// <summary>
/// `lion run`: the Lion loop. A new run folder is created from the seeds and config (or a
/// preset); an existing one is continued where it stopped, with the config it was created with.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "A JSON run config (defaults: the paper's).", HelpName = "FILE" };
        var seeds = new Option<string?>("--seeds") { Description = "Seed instructions for a new run (any import format).", HelpName = "FILE" };
        var folder = RunFolderOption.Create();
        var preset = WordOption.Optional<RunPreset>("--preset",
            "A ready-made offline run: smoke (oracle teacher, simulated student, seconds), demo (the TorchSharp student trained from scratch, scored on held-out tasks), tiny (the demo at test size). Without --config and --seeds, demo.");
        var selection = WordOption.Optional<SeedSelection>("--selection",
            "For a new run: adversarial (seeds chosen by the referee's verdict, the paper) or random (the ablation, same counts).");

        var command = new Command("run", "Run the adversarial distillation loop, or continue a run that stopped.") { config, seeds, folder, preset, selection };
        command.SetAction(async (parse, cancellation) => await CommandBody.RunAsync(parse, async output =>
        {
            string runFolder = parse.GetValue(folder)!;
            var error = parse.InvocationConfiguration.Error;
            using var session = RunSession.Claim(runFolder, "lion run");
            if (!session.Exists)
                Create(session, parse.GetValue(config), parse.GetValue(seeds), parse.GetValue(preset), parse.GetValue(selection), output, error);
            else if (parse.GetValue(config) is { } newConfig)
            {
                session.Reconfigure(newConfig);
                output.WriteLine($"{runFolder}: continuing with the config in {newConfig}.");
            }
            else if (parse.GetValue(seeds) is not null || parse.GetValue(preset) is not null)
                output.WriteLine($"{runFolder} is a run already: continuing it with its own seeds.");
            foreach (string model in session.Config.UnpricedModels().Select(r => r.Model).Distinct())
                error.WriteLine($"warning: the model \"{model}\" has no price (prices.\"{model}\" in the config): its requests are counted as costing 0.");
            var outcome = Terminal.LiveProgress.Available(output)
                ? await new Terminal.LiveProgress().RunAsync(live => session.RunAsync(CommandLineHost.Run, live, cancellation))
                : await session.RunAsync(CommandLineHost.Run, new Terminal.PlainProgress(output), cancellation);
            return Say(outcome, session, output, error);
        }));
        return command;
    }

    /// <summary>A new run, from what <see cref="NewRunSource"/> resolves.</summary>
    private static void Create(RunSession session, string? configPath, string? seedsPath, RunPreset? preset, SeedSelection? selection, TextWriter output, TextWriter error)
    {
        var from = NewRunSource.Resolve(session.Folder, configPath, seedsPath, preset);
        var config = selection is null ? from.Config : from.Config with { Selection = selection.Value };
        from.Seeds.WarnAboutDropped(error);
        // A preset writes its own held-out tasks into the new folder; a user's config names existing ones.
        var summary = session.Create(from.Seeds, config, from.Source, configPath ?? "the run config", checkReferences: from.Preset is null);
        if (from.Preset is { } ready)
            RunPresets.WriteHeldOut(ready, session.Folder, from.Seeds);
        output.WriteLine($"Created run {session.Folder}: {summary.Added} seed instructions ({summary.Duplicates} duplicates merged)");
    }

    /// <summary>The outcome in a sentence a user can act on, and its exit code.</summary>
    private static int Say(RunOutcome outcome, RunSession session, TextWriter output, TextWriter error)
    {
        string run = session.Folder;
        switch (outcome)
        {
            case RunOutcome.Finished:
                // A finished run leaves its report, so the first thing to look at is already there.
                output.WriteLine("Done.");
                output.WriteLine($"Report: {Report.RunReport.Write(session.Store)}");
                return ExitCode.Success;
            case RunOutcome.Cancelled:
                error.WriteLine($"Stopped. Everything finished so far is stored; `lion run --out {run}` continues.");
                return ExitCode.Cancelled;
            case RunOutcome.Refused { Kind: RefusalKind.Config } refused:
                error.WriteLine($"error: {Clause(refused.Why)}. Nothing was stored for the refused requests: set {refused.ConfigKey} to a value the model " +
                                $"takes (null leaves it out of the request) and continue with `lion run --out {run} --config FILE`.");
                return ExitCode.InputError;
            case RunOutcome.Refused { Kind: RefusalKind.Quota } quota:
                error.WriteLine($"error: the provider says the account has no credit left: {Clause(quota.Why)}. " +
                                $"No request was retried and nothing stored is lost; add credit (or raise the account's limit) and `lion run --out {run}` continues.");
                return ExitCode.RemoteError;
            case RunOutcome.Refused refused:
                error.WriteLine($"error: the endpoint refused the run: {Clause(refused.Why)}. Nothing stored is lost; fix it and run again.");
                return ExitCode.RemoteError;
            case RunOutcome.StoppedOwing owing:
                error.WriteLine($"error: {Clause(owing.Why)}. Everything answered is stored; `lion run --out {run}` asks for exactly what is owed.");
                return ExitCode.RemoteError;
            case RunOutcome.NothingUsable nothing:
                error.WriteLine($"error: {Clause(nothing.Why)}. Everything answered is stored; `lion status --out {run}` shows what came back, " +
                                $"and `lion run --out {run} --config FILE` continues with a changed config.");
                return ExitCode.RemoteError;
            case RunOutcome.RemoteFailed remote:
                // The student's own endpoint, say: no stage owns the failure, and nothing stored is lost.
                error.WriteLine($"error: a request failed for good: {Clause(remote.Why)}. Nothing stored is lost; " +
                                $"`lion run --out {run}` continues once the endpoint answers.");
                return ExitCode.RemoteError;
            case RunOutcome.BudgetReached budget:
                error.WriteLine($"Stopped at the budget: {Clause(budget.Why)}. Everything paid for is stored; " +
                                $"`lion run --out {run} --config FILE` with a higher budget continues.");
                return ExitCode.RemoteError;
            case RunOutcome.StudentFailed student:
                error.WriteLine($"error: {student.Why}");
                return ExitCode.RemoteError;
            default:
                throw new InvalidOperationException($"an outcome the command line does not know: {outcome}");
        }
    }

    /// <summary>A message that a sentence goes on after: without its own closing full stop (a provider's message often has one).</summary>
    private static string Clause(string message) => message.TrimEnd().TrimEnd('.');
}
