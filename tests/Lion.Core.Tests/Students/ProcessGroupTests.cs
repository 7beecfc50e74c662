using Lion.Core.Students;
using Lion.Tests;

namespace Lion.Core.Tests.Students;

public sealed class ProcessGroupTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static bool Alive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ");

    [Fact]
    public async Task Stopping_a_group_stops_what_its_command_started_and_its_output_is_in_the_log()
    {
        string pids = _folder.File("pids");
        var group = ProcessGroup.Start($"echo started; sleep 60 & echo $! > {pids}; sleep 60", _folder.File("log"));
        for (int i = 0; i < 100 && !File.Exists(pids); i++)
            await Task.Delay(50);
        int child = int.Parse(File.ReadAllText(pids).Trim());

        await group.StopAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(200);

        Assert.False(Alive(child), "the command's own child outlived the group");
        Assert.Equal("started", group.Tail().Trim());
    }

    [Fact]
    public async Task A_record_whose_process_is_gone_or_runs_another_command_stops_nothing()
    {
        var group = ProcessGroup.Start("sleep 60", _folder.File("log"));
        await Task.Delay(200);

        bool otherCommand = ProcessGroup.StopStale(group.Identity with { Command = "vllm serve something-else" });
        bool otherStart = ProcessGroup.StopStale(group.Identity with { StartTime = group.Identity.StartTime + 1 });
        bool alive = Alive(group.Identity.Pid);
        bool same = ProcessGroup.StopStale(group.Identity);

        Assert.False(otherCommand);
        Assert.False(otherStart);
        Assert.True(alive);
        Assert.True(same);
        await group.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
    }
}
