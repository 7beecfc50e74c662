using Lion.Core;

namespace Lion.Cli.Commands;

/// <summary>
/// Where a command will write its result, checked before it spends any compute: a file made
/// and removed beside the target (its folder made if missing), so a read-only place or a path
/// through a file is refused at once, naming the option, rather than after the work is done.
/// </summary>
internal static class WritablePlace
{
    /// <summary>Whether files can be made beside <paramref name="path"/> (its folder made if missing): a probe file, made and removed.</summary>
    public static void Check(string path, string option)
    {
        string full = Path.GetFullPath(path).TrimEnd('/', '\\');
        string probe = full + $".lion-write-check-{Environment.ProcessId}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException)
        {
            throw BadInputException.InFile(path, $"{option}: nothing can be written there ({error.Message.Replace(probe, Path.GetDirectoryName(full))}); " +
                                                 "choose a place you can write to");
        }
    }
}
