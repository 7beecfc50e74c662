using System.Collections.Concurrent;
using Lion.Core.Loop;

namespace Lion.Core.Tests.Runs;

/// <summary>Every event a run reports, in the order it reported them.</summary>
internal sealed class LoopEvents : IProgress<LoopEvent>
{
    private readonly ConcurrentQueue<LoopEvent> _events = new();

    public IReadOnlyList<LoopEvent> All => _events.ToList();

    public IEnumerable<T> Of<T>() where T : LoopEvent => _events.OfType<T>();

    public void Report(LoopEvent value) => _events.Enqueue(value);
}
