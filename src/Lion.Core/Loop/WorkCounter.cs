using System.Diagnostics;
using Lion.Core.Store;

namespace Lion.Core.Loop;

/// <summary>
/// One piece of counted work: reports each step as <see cref="ItemsDone"/> with the rate since the
/// work began and the time left at that rate. Safe to move from concurrent workers; the count only
/// goes forward.
/// </summary>
public sealed class WorkCounter(IProgress<LoopEvent> progress, int iteration, LoopStage stage, WorkKind work, int total)
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;

    public int Total => total;

    /// <summary>One more (or <paramref name="count"/> more) done.</summary>
    public void Advance(int count = 1)
    {
        lock (_gate)
            Report(_done + count);
    }

    /// <summary>The count as it stands now, when the work counts itself (kept instructions, say).</summary>
    public void Reached(int done)
    {
        lock (_gate)
            Report(Math.Max(_done, done));
    }

    private void Report(int done)
    {
        _done = done;
        double seconds = _clock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? done / seconds : 0;
        TimeSpan? left = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - done) / rate) : null;
        progress.Report(new ItemsDone(iteration, stage, work, done, total, rate, left));
    }
}
