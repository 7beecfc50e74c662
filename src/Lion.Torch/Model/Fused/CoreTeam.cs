using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The calling thread and one thread per further core, for work split into many short parts in a
/// row: a decoding step hands out some 150 pieces of a few dozen microseconds each, where waking a
/// pool thread (Parallel.For) costs as much as the piece. Between pieces the team's threads spin;
/// after a while without work they sleep, so an idle team holds no core.
/// </summary>
internal sealed class CoreTeam : IDisposable
{
    // Long enough to span the serial parts of a decoding step and the work between two steps
    // (sampling the token, the batch's bookkeeping): waking a sleeping thread delays the next
    // step's first piece. Short enough that a team no one uses gives its cores back at once.
    private static readonly long SpinTicks = Stopwatch.Frequency / 500;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _sleeping;
    private readonly ExceptionDispatchInfo?[] _failures;
    private Action<int>? _work;
    private int _generation, _pending;
    private volatile bool _disposed;

    /// <param name="size">How many threads work on each piece, the caller included.</param>
    public CoreTeam(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        _wake = Enumerable.Range(1, size - 1).Select(_ => new SemaphoreSlim(0)).ToArray();
        _sleeping = new int[size - 1];
        _failures = new ExceptionDispatchInfo?[size];
        _threads = Enumerable.Range(1, size - 1).Select(part => new Thread(() => Serve(part)) { IsBackground = true, Name = $"core team {part}" }).ToArray();
        foreach (var thread in _threads)
            thread.Start();
    }

    public int Size { get; }

    /// <summary>Runs <paramref name="work"/>(part) for every part 0..Size-1, part 0 on the calling thread, and waits for all; a failure is rethrown here.</summary>
    public void Run(Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Size == 1)
        {
            work(0);
            return;
        }
        _work = work;
        Volatile.Write(ref _pending, Size - 1);
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _wake.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
                _wake[i].Release();
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            _failures[0] = ExceptionDispatchInfo.Capture(e);
        }
        // The other parts take about as long as this one: spin without giving up the core,
        // unless one of them has been taken off its core and the wait runs long.
        for (int spins = 0; Volatile.Read(ref _pending) != 0; spins++)
        {
            if (spins < 100_000)
                Thread.SpinWait(1);
            else
                Thread.Yield();
        }
        _work = null;
        var failure = _failures.FirstOrDefault(f => f is not null);
        Array.Clear(_failures);
        failure?.Throw();
    }

    private void Serve(int part)
    {
        // The generation the team was made at: work may be posted before this thread first runs.
        int seen = 0;
        while (true)
        {
            int generation = WaitForWork(part, seen);
            if (_disposed)
                return;
            seen = generation;
            try
            {
                _work!(part);
            }
            catch (Exception e)
            {
                _failures[part] = ExceptionDispatchInfo.Capture(e);
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>Spins until the generation moves past <paramref name="seen"/>, or sleeps once spinning has gone on too long.</summary>
    private int WaitForWork(int part, int seen)
    {
        int slot = part - 1;
        long since = Stopwatch.GetTimestamp();
        while (true)
        {
            int generation = Volatile.Read(ref _generation);
            if (generation != seen || _disposed)
                return generation;
            if (Stopwatch.GetTimestamp() - since < SpinTicks)
            {
                Thread.SpinWait(1);
                continue;
            }
            // Announce the sleep, then look once more: work posted in between either sees the
            // announcement (and releases the semaphore) or is seen here.
            Volatile.Write(ref _sleeping[slot], 1);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _generation) != seen || _disposed)
            {
                if (Interlocked.Exchange(ref _sleeping[slot], 0) == 0)
                    _wake[slot].Wait(); // the poster took the announcement and released: take that release
                return Volatile.Read(ref _generation);
            }
            _wake[slot].Wait();
            since = Stopwatch.GetTimestamp();
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _wake.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
                _wake[i].Release();
        foreach (var thread in _threads)
            thread.Join();
        foreach (var wake in _wake)
            wake.Dispose();
    }
}
