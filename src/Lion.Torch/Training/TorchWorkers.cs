using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace Lion.Torch.Training;

/// <summary>
/// Threads that each run libtorch with one intra-op thread, so that as many independent pieces of
/// work as there are cores run side by side instead of each being split across all cores.
/// </summary>
public sealed class TorchWorkers : IDisposable
{
    // libtorch keeps a process-wide thread count that a thread reads the first time it runs an
    // operation; setting a worker's count changes it too, so it is set back at once, under a lock
    // that keeps two pools from reading each other's interim value.
    private static readonly Lock ThreadCountLock = new();

    private readonly BlockingCollection<Action>[] _queues;
    private readonly Thread[] _threads;

    public TorchWorkers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _queues = Enumerable.Range(0, count).Select(_ => new BlockingCollection<Action>()).ToArray();
        using var ready = new CountdownEvent(count);
        lock (ThreadCountLock)
        {
            int ambient = torch.get_num_threads();
            _threads = _queues.Select((queue, i) => new Thread(() => Serve(queue, ready)) { IsBackground = true, Name = $"torch worker {i}" }).ToArray();
            foreach (var thread in _threads)
                thread.Start();
            ready.Wait();
            torch.set_num_threads(ambient);
        }
    }

    public int Count => _queues.Length;

    /// <summary>Runs <paramref name="work"/>(i) on worker i for every worker and waits for all; the first failure is rethrown here.</summary>
    public void Run(Action<int> work)
    {
        using var done = new CountdownEvent(Count);
        var failures = new ExceptionDispatchInfo?[Count];
        for (int i = 0; i < Count; i++)
        {
            int index = i;
            _queues[i].Add(() =>
            {
                try
                {
                    work(index);
                }
                catch (Exception e)
                {
                    failures[index] = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    done.Signal();
                }
            });
        }
        done.Wait();
        failures.FirstOrDefault(f => f is not null)?.Throw();
    }

    private static void Serve(BlockingCollection<Action> queue, CountdownEvent ready)
    {
        // Reading the count first makes this thread take the process-wide value now, so that
        // setting it back afterwards does not reach this thread.
        torch.get_num_threads();
        torch.set_num_threads(1);
        ready.Signal();
        foreach (var work in queue.GetConsumingEnumerable())
            work();
    }

    public void Dispose()
    {
        foreach (var queue in _queues)
            queue.CompleteAdding();
        foreach (var thread in _threads)
            thread.Join();
        foreach (var queue in _queues)
            queue.Dispose();
    }
}
