using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>
/// The run an evaluation against a remote model works in: its store holds the gateway's cache,
/// ledger and failures (so an interrupted evaluation resumes without paying twice) and the
/// results. Named with --run, a folder that is not a run yet becomes an empty one and the run's
/// writer lock is held until the returned handle is disposed. Without --run, the evaluation works
/// in a scratch store in the system's temporary folder, removed when the handle is disposed: an
/// evaluation never makes or changes a run the user did not name.
/// </summary>
internal static class EvaluationRun
{
    public static (RunStore Store, RunConfig Config, IDisposable Handle) Open(string? folder, TextWriter output, bool quiet, string command) =>
        folder is null ? Scratch() : Named(folder, output, quiet, command);

    private static (RunStore, RunConfig, IDisposable) Named(string folder, TextWriter output, bool quiet, string command)
    {
        var writer = RunLock.Acquire(folder, command);
        try
        {
            if (!RunStore.IsRunFolder(folder))
            {
                RunFolder.Create(folder, NoSeeds, new RunSetup());
                if (!quiet)
                    output.WriteLine($"Made run folder {folder} to keep the evaluation's cache, usage and results.");
            }
            var store = RunStore.Open(folder);
            return (store, RunConfigReader.Parse(store.Config().Json, $"{folder} (stored config)"), writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private static (RunStore, RunConfig, IDisposable) Scratch()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"lion-eval-{Guid.NewGuid():N}");
        RunFolder.Create(folder, NoSeeds, new RunSetup());
        var store = RunStore.Open(folder);
        return (store, RunConfigReader.Parse(store.Config().Json, "defaults"), new ScratchFolder(folder));
    }

    private static SeedFile NoSeeds => new("(none: made by lion eval)", SeedFormat.JsonLines, []);

    /// <summary>Removes the scratch store once the evaluation has closed it.</summary>
    private sealed class ScratchFolder(string folder) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open elsewhere: the system's temporary folder is cleaned in time.
            }
        }
    }
}
