using Lion.Core;
using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Core.Tests.Store;

public sealed class RunLockTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_second_writer_is_refused_at_once_naming_the_holders_pid_and_command()
    {
        string run = _folder.File("run");
        using var holder = RunLock.Acquire(run, "lion run");

        var refused = Assert.Throws<BadInputException>(() => RunLock.Acquire(run, "lion eval bbh"));

        Assert.StartsWith($"{run}: another lion process is writing this run (pid {Environment.ProcessId}, lion run, since ", refused.Message);
    }

    [Fact]
    public void A_released_lock_is_taken_again()
    {
        string run = _folder.File("run");
        Directory.CreateDirectory(run);
        RunLock.Acquire(run, "lion run").Dispose();

        using var again = RunLock.Acquire(run, "lion run");

        Assert.True(File.Exists(Path.Combine(run, RunLock.FileName)));
    }

    [Fact]
    public void The_lock_of_a_process_that_died_is_taken_over()
    {
        // What a kill -9 leaves: the lock file and its owner note, but no process holding the lock.
        string run = _folder.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, RunLock.FileName), "");
        File.WriteAllText(Path.Combine(run, RunLock.OwnerFileName), "pid 999999, lion run, since 2026-01-01T00:00:00Z\n");

        using var taken = RunLock.Acquire(run, "lion run");

        Assert.StartsWith($"pid {Environment.ProcessId}, lion run", File.ReadAllText(Path.Combine(run, RunLock.OwnerFileName)));
    }

    [Fact]
    public void A_folder_the_lock_made_for_a_run_that_never_began_is_removed_with_it()
    {
        string run = _folder.File("run");

        RunLock.Acquire(run, "lion run").Dispose();

        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_folder_that_holds_a_run_keeps_its_lock_file_but_not_the_owner_note()
    {
        string run = _folder.File("run");
        using (RunLock.Acquire(run, "lion run"))
            File.WriteAllText(Path.Combine(run, RunStore.FileName), "");

        Assert.True(File.Exists(Path.Combine(run, RunLock.FileName)));
        Assert.False(File.Exists(Path.Combine(run, RunLock.OwnerFileName)));
    }
}
