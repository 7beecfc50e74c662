using System.Collections.Concurrent;

namespace Lion.Testing;

/// <summary>
/// What an endpoint under test received: every chat request counted, by fault injected, and how
/// many asked again for something already answered — the calls a client with a working cache
/// never makes.
/// </summary>
public sealed class RequestLog(Func<int> received)
{
    private readonly ConcurrentDictionary<FaultKind, int> _byFault = new();
    private readonly ConcurrentDictionary<string, byte> _answered = new();
    private int _overLimit;
    private int _repeats;

    /// <summary>Chat requests received, refused ones (a wrong key) included.</summary>
    public int Received => received();

    /// <summary>Requests refused with 429 because the client went over the enforced rate.</summary>
    public int OverLimit => Volatile.Read(ref _overLimit);

    /// <summary>Requests whose body had already been answered (a paid answer) before they arrived.</summary>
    public int RepeatsOfAnswered => Volatile.Read(ref _repeats);

    /// <summary>Distinct request bodies that got an answer.</summary>
    public int DistinctAnswered => _answered.Count;

    public int WithFault(FaultKind kind) => _byFault.GetValueOrDefault(kind);

    internal void CountBody(string bodyHash)
    {
        if (_answered.ContainsKey(bodyHash))
            Interlocked.Increment(ref _repeats);
    }

    internal void CountAnswered(string bodyHash) => _answered.TryAdd(bodyHash, 0);

    internal void CountFault(FaultKind kind) => _byFault.AddOrUpdate(kind, 1, (_, n) => n + 1);

    internal void CountOverLimit() => Interlocked.Increment(ref _overLimit);
}
