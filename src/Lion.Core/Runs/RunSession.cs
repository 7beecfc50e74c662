using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Loop;
using Lion.Core.Planning;
using Lion.Core.Store;
using Lion.Core.Students;

namespace Lion.Core.Runs;

/// <summary>
/// One run, held by one writer: create it from seeds and a config, or open the one in the folder,
/// give it a new config, and run the loop to an outcome. The folder's lock is taken when the
/// session is claimed and dropped when it is disposed; a second writer is refused before it reads
/// or pays for anything. Whatever happens, the store stays whole and running again continues.
/// </summary>
public sealed class RunSession : IDisposable
{
    private readonly RunLock _lock;
    private RunStore? _store;
    private RunConfig? _config;

    private RunSession(string folder, RunLock held)
    {
        Folder = folder;
        _lock = held;
    }

    public string Folder { get; }

    /// <summary>Takes the folder (made when missing) for <paramref name="command"/>.</summary>
    public static RunSession Claim(string folder, string command) => new(folder, RunLock.Acquire(folder, command));

    /// <summary>Whether the folder holds a run already.</summary>
    public bool Exists => RunStore.IsRunFolder(Folder);

    /// <summary>
    /// Makes the run: its store with the seeds and config, whole or not at all. The config's files
    /// (prompts, test sets) are checked first unless the caller writes them after (a preset's).
    /// </summary>
    public ImportSummary Create(SeedFile seeds, RunConfig config, string? source, string describedAs, bool checkReferences = true)
    {
        if (checkReferences)
            ConfigReferences.Check(config, Folder, describedAs);
        return RunFolder.Create(Folder, seeds, RunSetup.From(config, source));
    }

    /// <summary>A new config for the run (a higher budget, say): checked whole first, then stored with a new plan.</summary>
    public void Reconfigure(string configPath)
    {
        var setup = RunSetup.FromConfigFile(configPath);
        var config = RunConfigReader.Parse(setup.ConfigJson, configPath);
        ConfigReferences.Check(config, Folder, configPath);
        Store.UpdateConfig(setup);
        if (Store.Plans.SeedInstructions() is { Count: > 0 } seeds)
            Store.Plans.SavePlan(RunPlanner.Plan(config, seeds, Store.Plans.PlanHistory()).ToJson());
        _config = null;
    }

    public RunStore Store => _store ??= RunStore.Open(Folder);

    /// <summary>The stored config, read and checked (its keys and files) the first time it is asked for.</summary>
    public RunConfig Config
    {
        get
        {
            if (_config is not null)
                return _config;
            var stored = Store.Config();
            var config = RunConfigReader.Parse(stored.Json, $"{Folder} (stored config)");
            ConfigReferences.Check(config, Folder, stored.Source ?? $"{Folder} (stored config)");
            return _config = config;
        }
    }

    /// <summary>
    /// Runs the loop from where the store says it stands, reporting to <paramref name="events"/>,
    /// and says how it ended. A student the host started (a server, say) never outlives the call.
    /// </summary>
    public async Task<RunOutcome> RunAsync(RunHost host, IProgress<LoopEvent> events, CancellationToken cancellationToken)
    {
        var config = Config;
        // The plan a run starts with stays with it, for the report's plan against actual.
        if (Store.Plans.LatestPlan() is null && Store.Plans.SeedInstructions() is { Count: > 0 } seeds)
            Store.Plans.SavePlan(RunPlanner.Plan(config, seeds).ToJson());
        IStudent? student = null;
        try
        {
            var gateway = RunGateway.Create(config, Store.Gateway, RunGateway.LoopRoles(config), () => host.Oracle(config));
            student = host.Student(new StudentSetup(config, Store, text => events.Report(new StageNote(text))));
            var context = new LoopContext(Store, config, gateway.For(Role.Teacher), gateway.For(Role.Referee), gateway.For(Role.Generator), student, events);
            await new AdversarialLoop(context).RunAsync(cancellationToken);
            return new RunOutcome.Finished();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new RunOutcome.Cancelled();
        }
        catch (Exception failure) when (Outcome(failure) is { } outcome)
        {
            return outcome;
        }
        finally
        {
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

    /// <summary>The outcome an exception from the loop stands for; null for a fault of the program itself.</summary>
    private static RunOutcome? Outcome(Exception failure) => failure switch
    {
        ConfigRefusedException refused => new RunOutcome.Refused(RefusalKind.Config, refused.Message, refused.ConfigKey),
        RemoteRequestException { Failure.Kind: RemoteFailureKind.QuotaExhausted } quota => new RunOutcome.Refused(RefusalKind.Quota, quota.Failure.ProviderMessage),
        RemoteRequestException { StopsTheRun: true } remote => new RunOutcome.Refused(RefusalKind.Endpoint, remote.Message),
        StageIncompleteException owed => new RunOutcome.StoppedOwing(owed.Iteration, owed.Stage, owed.Owed, owed.Message),
        NothingUsableException nothing => new RunOutcome.NothingUsable(nothing.Iteration, nothing.Stage, nothing.Message),
        RemoteRequestException remote => new RunOutcome.RemoteFailed(remote.Message),
        BudgetExceededException budget => new RunOutcome.BudgetReached(budget.Message),
        StudentTrainingException or StudentServerException => new RunOutcome.StudentFailed(failure.Message),
        _ => null,
    };

    public void Dispose()
    {
        _store?.Dispose();
        _lock.Dispose();
    }
}
