using System.Text;
using Lion.Core.Data;

namespace Lion.Cli.Commands;

/// <summary>Where a command's dataset goes: a file (written beside it and renamed, never half-written) or standard output.</summary>
internal static class DatasetOutput
{
    public static void Write(IEnumerable<DatasetRecord> records, ExportFormat format, string? path, TextWriter output) =>
        Write(stream => DatasetWriter.Write(records, format, stream), path, output);

    public static void WritePairs(IEnumerable<PreferencePair> pairs, ExportFormat format, string? path, TextWriter output) =>
        Write(stream => DatasetWriter.WritePairs(pairs, stream, format), path, output);

    /// <summary>Whatever <paramref name="write"/> writes, to a file (beside it, then renamed) or standard output.</summary>
    public static void Write(Action<Stream> write, string? path, TextWriter output)
    {
        if (path is not null)
        {
            if (Directory.Exists(path))
                throw Core.BadInputException.InFile(path, "is a folder; --to names the file to write");
            string partial = path + ".partial";
            try
            {
                using (var stream = File.Create(partial))
                    write(stream);
                File.Move(partial, path, overwrite: true);
            }
            catch (IOException error) when (!Core.StorageException.IsDiskFull(error))
            {
                if (File.Exists(partial))
                    File.Delete(partial);
                // The message names the file asked for, not the temporary one beside it.
                throw new IOException($"{path}: cannot be written ({error.Message.Replace(partial, path)}); choose another place with --to", error);
            }
            catch (IOException)
            {
                // A full disk: the half-written file goes, whatever was at the path stays.
                if (File.Exists(partial))
                    File.Delete(partial);
                throw;
            }
            catch (UnauthorizedAccessException error)
            {
                throw new UnauthorizedAccessException($"{path}: cannot be written there ({error.Message.Replace(partial, path)}).", error);
            }
        }
        else if (ReferenceEquals(output, Console.Out))
        {
            using var stdout = Console.OpenStandardOutput();
            write(stdout);
        }
        else
        {
            using var buffer = new MemoryStream();
            write(buffer);
            output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
    }
}
