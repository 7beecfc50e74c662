using Lion.Core.Data;

namespace Lion.Core.Store;

/// <summary>Creates run folders: a store with its seeds imported, made whole or not at all.</summary>
public static class RunFolder
{
    /// <summary>
    /// Creates the run in <paramref name="folder"/>. The store is built under a temporary name
    /// and renamed when complete, so an interruption never leaves a half-made run behind, and an
    /// existing run is never touched.
    /// </summary>
    public static ImportSummary Create(string folder, SeedFile seeds, RunSetup setup)
    {
        if (File.Exists(folder))
            throw BadInputException.InFile(folder, "is a file; the run needs a folder");
        if (RunStore.IsRunFolder(folder))
            throw BadInputException.InFile(folder, "is already a lion run folder; nothing was changed");

        bool madeFolder = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        string partial = RunStore.DatabasePath(folder) + ".partial";
        DeleteDatabase(partial);
        try
        {
            ImportSummary summary;
            using (var store = RunStore.CreateFile(folder, partial, setup))
                summary = store.Seeds.ImportSeeds(seeds);
            File.Move(partial, RunStore.DatabasePath(folder));
            return summary;
        }
        catch
        {
            DeleteDatabase(partial);
            if (madeFolder && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
            throw;
        }
    }

    private static void DeleteDatabase(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            File.Delete(path + suffix);
    }
}
