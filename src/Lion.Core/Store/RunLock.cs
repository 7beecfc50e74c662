using System.Globalization;

namespace Lion.Core.Store;

/// <summary>
/// One writer per run folder. The lock is an operating-system lock on <c>lion.lock</c>, held for
/// as long as the process holds this object; the system drops it when the process dies, so a
/// lock left by a crash or a kill is simply taken over. Who holds it (pid, command, since when)
/// is written beside it, in <c>lion.lock.owner</c>, for the message a second writer gets.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "lion.lock";
    public const string OwnerFileName = "lion.lock.owner";

    private readonly FileStream _lock;
    private readonly string _folder;
    private readonly bool _madeFolder;

    private RunLock(FileStream held, string folder, bool madeFolder)
    {
        _lock = held;
        _folder = folder;
        _madeFolder = madeFolder;
    }

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (made if missing) for <paramref name="command"/>;
    /// a folder another live process writes is refused at once, naming that process.
    /// </summary>
    public static RunLock Acquire(string folder, string command)
    {
        if (File.Exists(folder))
            throw BadInputException.InFile(folder, "is a file; a run needs a folder");
        bool madeFolder = !Directory.Exists(folder);
        string path = Path.Combine(folder, FileName);
        FileStream held;
        try
        {
            Directory.CreateDirectory(folder);
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new BadInputException($"{folder}: another lion process is writing this run ({Owner(folder)}); " +
                                        "wait for it to finish or stop it, then run the command again");
        }
        catch (Exception error) when (error is UnauthorizedAccessException || error is IOException io && !StorageException.IsDiskFull(io))
        {
            throw BadInputException.InFile(folder, $"lion cannot write a run folder here ({error.Message}); choose a place you can write to");
        }
        File.WriteAllText(Path.Combine(folder, OwnerFileName), string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId}, {command}, since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n"));
        return new RunLock(held, folder, madeFolder);
    }

    /// <summary>
    /// Lets go of the lock; the owner note goes with it. A folder this lock made and nothing else
    /// filled (a run refused before it began) is removed again.
    /// </summary>
    public void Dispose()
    {
        File.Delete(Path.Combine(_folder, OwnerFileName));
        bool onlyTheLock = _madeFolder && Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).All(name => name == FileName);
        if (onlyTheLock)
            File.Delete(Path.Combine(_folder, FileName));
        _lock.Dispose();
        if (onlyTheLock && !Directory.EnumerateFileSystemEntries(_folder).Any())
            Directory.Delete(_folder);
    }

    private static string Owner(string folder)
    {
        try
        {
            string text = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
            return text.Length > 0 ? text : "it is just starting";
        }
        catch (IOException)
        {
            return "it is just finishing";
        }
    }
}
