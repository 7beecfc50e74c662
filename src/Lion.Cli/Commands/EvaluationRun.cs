using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>
/// The run an evaluation against a remote model works in: its store holds the gateway's cache,
/// ledger and failures (so an interrupted evaluation resumes without paying twice) and the
/// results. A folder that is not a run yet becomes an empty one. The run's writer lock is held
/// until the returned lock is disposed.
/// </summary>
internal static class EvaluationRun
{
    public static (RunStore Store, RunConfig Config, RunLock Lock) Open(string folder, TextWriter output, bool quiet, string command)
    {
        var writer = RunLock.Acquire(folder, command);
        try
        {
            var (store, config) = OpenLocked(folder, output, quiet);
            return (store, config, writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private static (RunStore Store, RunConfig Config) OpenLocked(string folder, TextWriter output, bool quiet)
    {
        if (!RunStore.IsRunFolder(folder))
        {
            RunFolder.Create(folder, new SeedFile("(none: made by lion eval)", SeedFormat.JsonLines, []), new RunSetup());
            if (!quiet)
                output.WriteLine($"Made run folder {folder} to keep the evaluation's cache, usage and results.");
        }
        var store = RunStore.Open(folder);
        return (store, RunConfigReader.Parse(store.Config().Json, $"{folder} (stored config)"));
    }
}
