using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// Paths the operating system refuses, or files that are not what they should be: one sentence
/// naming the path and what to do, exit code 1, never a stack trace.
/// </summary>
public sealed class FileSystemErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SmokeRun()
    {
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", run).ExitCode);
        return run;
    }

    private static void AssertOneSentence(LionInvocation result, string start)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(start, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void A_run_folder_where_nothing_can_be_written_is_named()
    {
        // /proc refuses new entries whoever asks, root included.
        const string run = "/proc/lion-run";

        AssertOneSentence(LionInvocation.Run("run", "--preset", "smoke", "--out", run), $"error: {run}: lion cannot write a run folder here (");
    }

    [Fact]
    public void Exporting_to_a_folder_is_refused_and_the_folder_is_untouched()
    {
        string run = SmokeRun();
        string target = _folder.File("exports");
        Directory.CreateDirectory(target);

        AssertOneSentence(LionInvocation.Run("export", "--out", run, "--format", "jsonl", "--to", target),
            $"error: {target}: is a folder; --to names the file to write");
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public void A_file_where_the_report_folder_belongs_is_named()
    {
        string run = SmokeRun();
        string report = Path.Combine(run, "report");
        Directory.Delete(report, recursive: true);
        File.WriteAllText(report, "mine");

        AssertOneSentence(LionInvocation.Run("report", "--out", run), $"error: {report}: is a file;");
        Assert.Equal("mine", File.ReadAllText(report));
    }

    [Fact]
    public void A_folder_where_the_store_belongs_is_named_and_left_alone()
    {
        string run = _folder.File("run");
        Directory.CreateDirectory(Path.Combine(run, RunStore.FileName));

        AssertOneSentence(LionInvocation.Run("run", "--preset", "smoke", "--out", run), $"error: {Path.Combine(run, RunStore.FileName)}: is a folder, not a run store");
        Assert.True(Directory.Exists(Path.Combine(run, RunStore.FileName)));
    }

    [Fact]
    public void A_store_damaged_in_the_middle_is_named_as_damaged()
    {
        string run = SmokeRun();
        string store = RunStore.DatabasePath(run);
        // The middle half of the file damaged, the schema's first pages left whole: whatever a
        // command reads holds some of it (status reads its counts from indexes); a few scattered
        // patches can miss every page status reads, depending on where a run's rows fall.
        using (var file = File.OpenWrite(store))
        {
            long start = file.Length / 4 / 4096 * 4096, end = file.Length * 3 / 4 / 4096 * 4096;
            file.Position = start;
            file.Write(Enumerable.Repeat((byte)0xff, (int)(end - start)).ToArray());
        }

        AssertOneSentence(LionInvocation.Run("status", "--out", run), $"error: {store}: the run store is damaged");
    }

    [Fact]
    public void A_port_outside_the_range_is_refused_by_name()
    {
        var result = LionInvocation.Run("oracle", "serve", "--port", "99999");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--port 99999: a port is a number from 0 to 65535", result.Error);
    }
}
