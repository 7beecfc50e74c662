using Lion.Torch.Model.Fused;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class CoreTeamTests
{
    [Fact]
    public void Every_part_runs_once_per_piece_of_work_and_the_caller_runs_part_zero()
    {
        using var team = new CoreTeam(3);
        int caller = Environment.CurrentManagedThreadId;
        for (int piece = 0; piece < 1000; piece++)
        {
            var runs = new int[3];
            var threads = new int[3];
            team.Run(part =>
            {
                Interlocked.Increment(ref runs[part]);
                threads[part] = Environment.CurrentManagedThreadId;
            });
            Assert.Equal([1, 1, 1], runs);
            Assert.Equal(caller, threads[0]);
            Assert.Equal(3, threads.Distinct().Count());
        }
    }

    [Fact]
    public void A_team_that_slept_while_idle_takes_work_again()
    {
        using var team = new CoreTeam(2);
        int total = 0;
        team.Run(part => Interlocked.Add(ref total, part + 1));
        Thread.Sleep(50); // well past the spinning, so the other thread sleeps
        team.Run(part => Interlocked.Add(ref total, part + 1));

        Assert.Equal(6, total);
    }

    [Fact]
    public void A_failure_in_another_part_is_thrown_to_the_caller_and_the_team_goes_on()
    {
        using var team = new CoreTeam(2);

        var failure = Assert.Throws<InvalidOperationException>(() => team.Run(part =>
        {
            if (part == 1)
                throw new InvalidOperationException("part one failed");
        }));
        Assert.Equal("part one failed", failure.Message);
        int runs = 0;
        team.Run(_ => Interlocked.Increment(ref runs));
        Assert.Equal(2, runs);
    }
}
