using Lion.Torch.Model.Fused;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class CoreTeamTests
{
    [Fact]
    public void Every_piece_runs_once_and_each_worker_number_belongs_to_one_thread_the_callers_zero()
    {
        using var team = new CoreTeam(3);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<(int Worker, int Thread), bool>();
        for (int work = 0; work < 1000; work++)
        {
            int pieces = work % 40;
            var runs = new int[pieces];
            team.Run(pieces, (piece, worker) =>
            {
                Interlocked.Increment(ref runs[piece]);
                seen.TryAdd((worker, Environment.CurrentManagedThreadId), true);
            });
            Assert.All(runs, count => Assert.Equal(1, count));
        }
        var threadOf = seen.Keys.GroupBy(k => k.Worker).ToDictionary(g => g.Key, g => Assert.Single(g).Thread);
        Assert.Equal(Environment.CurrentManagedThreadId, threadOf[0]);
        Assert.Equal(threadOf.Count, threadOf.Values.Distinct().Count());
        Assert.All(threadOf.Keys, worker => Assert.InRange(worker, 0, 2));
    }

    [Fact]
    public void A_worker_held_up_leaves_its_pieces_to_the_others()
    {
        using var team = new CoreTeam(2);
        var byWorker = new int[2];
        using var holdUp = new ManualResetEventSlim();
        team.Run(20, (_, worker) =>
        {
            Interlocked.Increment(ref byWorker[worker]);
            if (worker == 1)
                holdUp.Wait(TimeSpan.FromSeconds(10)); // the other thread, taken off its core for the whole piece of work
            else if (Volatile.Read(ref byWorker[0]) == 19)
                holdUp.Set();
            else
                Thread.Sleep(1);
        });

        Assert.Equal(20, byWorker.Sum());
        Assert.InRange(byWorker[1], 0, 1);
    }

    [Fact]
    public void A_team_that_slept_while_idle_takes_work_again()
    {
        using var team = new CoreTeam(2);
        int total = 0;
        team.Run(2, (piece, _) => Interlocked.Add(ref total, piece + 1));
        Thread.Sleep(50); // well past the spinning, so the other thread sleeps
        team.Run(2, (piece, _) => Interlocked.Add(ref total, piece + 1));

        Assert.Equal(6, total);
    }

    [Fact]
    public void A_failure_in_a_piece_is_thrown_to_the_caller_after_the_rest_ran_and_the_team_goes_on()
    {
        using var team = new CoreTeam(2);
        int runs = 0;

        var failure = Assert.Throws<InvalidOperationException>(() => team.Run(8, (piece, _) =>
        {
            Interlocked.Increment(ref runs);
            if (piece == 3)
                throw new InvalidOperationException("piece three failed");
        }));
        Assert.Equal("piece three failed", failure.Message);
        Assert.Equal(8, runs);
        runs = 0;
        team.Run(8, (_, _) => Interlocked.Increment(ref runs));
        Assert.Equal(8, runs);
    }
}
