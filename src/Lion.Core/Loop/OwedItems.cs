using Lion.Core.Gateway;

namespace Lion.Core.Loop;

/// <summary>
/// The items of one stage whose requests failed after all their attempts: they have no result,
/// so the stage is not done and a rerun asks for exactly them. When failures follow each other
/// with no success between them (an outage, not a bad item), the stage stops taking new items
/// rather than spending every item's retries on a server that is down.
/// </summary>
internal sealed class OwedItems(Store.LoopStage stage, int iteration, int concurrency)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _messages = [];
    private readonly CancellationTokenSource _outage = new();
    private int _failed, _skipped, _consecutive;

    /// <summary>Failures in a row, with no success between them, that make the rest of the stage wait for a rerun.</summary>
    private int OutageAfter => Math.Max(2, concurrency);

    public int Count
    {
        get { lock (_gate) return _failed + _skipped; }
    }

    /// <summary>
    /// Runs <paramref name="work"/> over the items as <see cref="LoopContext.ForEach"/> does; the
    /// items an outage leaves unstarted, or cuts off in flight, are owed too.
    /// </summary>
    public async Task ForEach<T>(LoopContext context, IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> work, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _outage.Token);
        int finished = 0;
        try
        {
            await context.ForEach(items, async (item, token) =>
            {
                await work(item, token);
                Interlocked.Increment(ref finished);
            }, linked.Token, concurrency);
        }
        catch (OperationCanceledException) when (_outage.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
        lock (_gate)
            _skipped += items.Count - finished;
    }

    public void Succeeded()
    {
        lock (_gate)
            _consecutive = 0;
    }

    /// <summary>Counts an item whose request failed for good but may succeed later (a run-stopping failure is rethrown by the caller).</summary>
    public void Failed(RemoteRequestException error)
    {
        lock (_gate)
        {
            _failed++;
            _messages[error.Failure.Message] = _messages.GetValueOrDefault(error.Failure.Message) + 1;
            if (++_consecutive >= OutageAfter)
                _outage.Cancel();
        }
    }

    /// <summary>Stops the run when anything is owed: the stage stays unfinished and the same command continues it.</summary>
    public void ThrowIfAny()
    {
        if (Count == 0)
            return;
        var (message, times) = _messages.Count > 0 ? _messages.MaxBy(m => m.Value) : new("cut off in flight", Count);
        throw new StageIncompleteException(iteration, stage, Count, message, times, _outage.IsCancellationRequested);
    }
}
