using System.CommandLine;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Loop;
using Lion.Core.Planning;
using Lion.Core.Store;
using Lion.Core.Students;

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
            // One writer per run: a second `lion run` on the same folder is refused before it reads or pays for anything.
            using var writer = RunLock.Acquire(runFolder, "lion run");
            if (!RunStore.IsRunFolder(runFolder))
                Create(runFolder, parse.GetValue(config), parse.GetValue(seeds), parse.GetValue(preset), parse.GetValue(selection), output, error);
            else if (parse.GetValue(config) is { } newConfig)
                Reconfigure(runFolder, newConfig, output);
            else if (parse.GetValue(seeds) is not null || parse.GetValue(preset) is not null)
                output.WriteLine($"{runFolder} is a run already: continuing it with its own seeds.");
            return await RunAsync(runFolder, output, error, cancellation);
        }));
        return command;
    }

    /// <summary>A new run, from what <see cref="NewRunSource"/> resolves.</summary>
    private static void Create(string runFolder, string? configPath, string? seedsPath, RunPreset? preset, SeedSelection? selection, TextWriter output, TextWriter error)
    {
        var from = NewRunSource.Resolve(runFolder, configPath, seedsPath, preset);
        var config = selection is null ? from.Config : from.Config with { Selection = selection.Value };
        from.Seeds.WarnAboutDropped(error);
        // A preset writes its own held-out tasks into the new folder; a user's config names existing ones.
        if (from.Preset is null)
            ConfigReferences.Check(config, runFolder, configPath ?? "the run config");
        var summary = RunFolder.Create(runFolder, from.Seeds, RunSetup.From(config, from.Source));
        if (from.Preset is { } ready)
            RunPresets.WriteHeldOut(ready, runFolder, from.Seeds);
        output.WriteLine($"Created run {runFolder}: {summary.Added} seed instructions ({summary.Duplicates} duplicates merged)");
    }

    /// <summary>A new config for a run under way (a higher budget, say): checked first, then stored.</summary>
    private static void Reconfigure(string runFolder, string configPath, TextWriter output)
    {
        var setup = RunSetup.FromConfigFile(configPath);
        var config = RunConfigReader.Parse(setup.ConfigJson, configPath);
        ConfigReferences.Check(config, runFolder, configPath);
        using var store = RunStore.Open(runFolder);
        store.UpdateConfig(setup);
        if (PlanCommand.Seeds(store) is { Count: > 0 } seeds)
            store.SavePlan(PlanCommand.Json(RunPlanner.Plan(config, seeds, store.PlanHistory())));
        output.WriteLine($"{runFolder}: continuing with the config in {configPath}.");
    }

    private static async Task<int> RunAsync(string runFolder, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        using var store = RunStore.Open(runFolder);
        var stored = store.Config();
        var config = RunConfigReader.Parse(stored.Json, $"{runFolder} (stored config)");
        ConfigReferences.Check(config, runFolder, stored.Source ?? $"{runFolder} (stored config)");
        // The plan a run starts with stays with it, for the report's plan against actual.
        if (store.LatestPlan() is null && PlanCommand.Seeds(store) is { Count: > 0 } seeds)
            store.SavePlan(PlanCommand.Json(RunPlanner.Plan(config, seeds)));
        foreach (string model in config.UnpricedModels().Select(r => r.Model).Distinct())
            error.WriteLine($"warning: the model \"{model}\" has no price (prices.\"{model}\" in the config): its requests are counted as costing 0.");
        IStudent? student = null;
        try
        {
            if (Terminal.LiveProgress.Available(output))
                await new Terminal.LiveProgress().RunAsync(async live =>
                {
                    var context = LoopSetup.Create(store, config, live.Line) with { Progress = live.Advance };
                    student = context.Student;
                    await new AdversarialLoop(context).RunAsync(cancellation);
                    return ExitCode.Success;
                });
            else
            {
                var context = LoopSetup.Create(store, config, line => { lock (output) output.WriteLine(line); });
                student = context.Student;
                await new AdversarialLoop(context).RunAsync(cancellation);
            }
            // A finished run leaves its report, so the first thing to look at is already there.
            output.WriteLine($"Report: {Report.RunReport.Write(store)}");
            return ExitCode.Success;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            error.WriteLine($"Stopped. Everything finished so far is stored; `lion run --out {runFolder}` continues.");
            return ExitCode.Cancelled;
        }
        catch (ConfigRefusedException refused)
        {
            error.WriteLine($"error: {Clause(refused.Message)}. Nothing was stored for the refused requests: set {refused.ConfigKey} to a value the model " +
                            $"takes (null leaves it out of the request) and continue with `lion run --out {runFolder} --config FILE`.");
            return ExitCode.InputError;
        }
        catch (RemoteRequestException remote) when (remote.Failure.Kind == RemoteFailureKind.QuotaExhausted)
        {
            error.WriteLine($"error: the provider says the account has no credit left: {Clause(remote.Failure.ProviderMessage)}. " +
                            $"No request was retried and nothing stored is lost; add credit (or raise the account's limit) and `lion run --out {runFolder}` continues.");
            return ExitCode.RemoteError;
        }
        catch (RemoteRequestException remote) when (remote.StopsTheRun)
        {
            error.WriteLine($"error: the endpoint refused the run: {Clause(remote.Message)}. Nothing stored is lost; fix it and run again.");
            return ExitCode.RemoteError;
        }
        catch (StageStoppedException stopped)
        {
            error.WriteLine($"error: {Clause(stopped.Message)}. Everything answered is stored; " + (stopped is StageIncompleteException
                ? $"`lion run --out {runFolder}` asks for exactly what is owed."
                : $"`lion status --out {runFolder}` shows what came back, and `lion run --out {runFolder} --config FILE` continues with a changed config."));
            return ExitCode.RemoteError;
        }
        catch (RemoteRequestException remote)
        {
            // The student's own endpoint, say: no stage owns the failure, and nothing stored is lost.
            error.WriteLine($"error: a request failed for good: {Clause(remote.Message)}. Nothing stored is lost; " +
                            $"`lion run --out {runFolder}` continues once the endpoint answers.");
            return ExitCode.RemoteError;
        }
        catch (BudgetExceededException budget)
        {
            error.WriteLine($"Stopped at the budget: {Clause(budget.Message)}. Everything paid for is stored; " +
                            $"`lion run --out {runFolder} --config FILE` with a higher budget continues.");
            return ExitCode.RemoteError;
        }
        catch (Exception failed) when (failed is StudentTrainingException or StudentServerException)
        {
            error.WriteLine($"error: {failed.Message}");
            return ExitCode.RemoteError;
        }
        finally
        {
            // A student server lion started never outlives the run: Ctrl-C, an error or the end.
            switch (student)
            {
                case IAsyncDisposable owned:
                    await owned.DisposeAsync();
                    break;
                case IDisposable owned:
                    owned.Dispose();
                    break;
            }
        }
    }

    /// <summary>A message that a sentence goes on after: without its own closing full stop (a provider's message often has one).</summary>
    private static string Clause(string message) => message.TrimEnd().TrimEnd('.');
}
