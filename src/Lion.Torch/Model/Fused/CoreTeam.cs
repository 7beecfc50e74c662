using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The calling thread and one thread per further core, for many short jobs in a row: a decoding
/// step hands out some 150 jobs of a few dozen microseconds each, where waking a pool thread
/// (Parallel.For) costs as much as the job. Each job comes cut into more pieces than there are
/// threads, and each thread takes the next piece left until none is: a core that another process
/// holds, or a slower core beside faster ones (a laptop's efficiency cores), takes fewer pieces
/// instead of holding the job up until a fixed share is done. Between jobs the team's threads
/// spin; after a while without one they sleep, so an idle team holds no core.
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
    private Action<int, int>? _work;

    // The job's generation (upper half) and how many of its pieces are still to be handed out
    // (lower half), in one word, so a piece is taken from the job it belongs to: a thread that
    // slept through a whole job can only take pieces of the current one.
    private long _state;
    private int _done;

    private long Generation => Volatile.Read(ref _state) >> 32;
    private volatile bool _disposed;

    /// <param name="size">How many threads take pieces of each job, the caller included.</param>
    public CoreTeam(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        _wake = Enumerable.Range(1, size - 1).Select(_ => new SemaphoreSlim(0)).ToArray();
        _sleeping = new int[size - 1];
        _failures = new ExceptionDispatchInfo?[size];
        _threads = Enumerable.Range(1, size - 1).Select(worker => new Thread(() => Serve(worker)) { IsBackground = true, Name = $"core team {worker}" }).ToArray();
        foreach (var thread in _threads)
            thread.Start();
    }

    public int Size { get; }

    /// <summary>
    /// Runs a job: <paramref name="work"/>(piece, worker) for every piece 0..pieces-1, each once, on
    /// whichever of the team's threads takes it first (worker 0 is the calling thread, so a
    /// worker's scratch is its own), and waits for all; a failure is rethrown here.
    /// </summary>
    public void Run(int pieces, Action<int, int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(pieces);
        if (Size == 1)
        {
            for (int piece = 0; piece < pieces; piece++)
                work(piece, 0);
            return;
        }
        _work = work;
        Volatile.Write(ref _done, 0);
        Interlocked.Exchange(ref _state, (Generation + 1) << 32 | (uint)pieces);
        for (int i = 0; i < _wake.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
                _wake[i].Release();
        TakePieces(0);
        // The last pieces taken end about as this thread's last did: spin without giving up the
        // core, unless the thread holding one has been taken off its core and the wait runs long.
        for (int spins = 0; Volatile.Read(ref _done) != pieces; spins++)
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

    /// <summary>Takes pieces of the current job until none is left to hand out.</summary>
    private void TakePieces(int worker)
    {
        long state = Volatile.Read(ref _state);
        while ((int)state != 0)
        {
            long seen = Interlocked.CompareExchange(ref _state, state - 1, state);
            if (seen != state)
            {
                state = seen;
                continue;
            }
            // Taken: the job cannot end (and be replaced) before this piece is done.
            try
            {
                _work!((int)state - 1, worker);
            }
            catch (Exception e)
            {
                _failures[worker] ??= ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
            state = Volatile.Read(ref _state);
        }
    }

    private void Serve(int worker)
    {
        // The generation the team was made at: a job may be posted before this thread first runs.
        long seen = 0;
        while (true)
        {
            seen = WaitForWork(worker, seen);
            if (_disposed)
                return;
            TakePieces(worker);
        }
    }

    /// <summary>Spins until the generation moves past <paramref name="seen"/>, or sleeps once spinning has gone on too long.</summary>
    private long WaitForWork(int worker, long seen)
    {
        int slot = worker - 1;
        long since = Stopwatch.GetTimestamp();
        while (true)
        {
            long generation = Generation;
            if (generation != seen || _disposed)
                return generation;
            if (Stopwatch.GetTimestamp() - since < SpinTicks)
            {
                Thread.SpinWait(1);
                continue;
            }
            // Announce the sleep, then look once more: a job posted in between either sees the
            // announcement (and releases the semaphore) or is seen here.
            Volatile.Write(ref _sleeping[slot], 1);
            Interlocked.MemoryBarrier();
            if (Generation != seen || _disposed)
            {
                if (Interlocked.Exchange(ref _sleeping[slot], 0) == 0)
                    _wake[slot].Wait(); // the poster took the announcement and released: take that release
                return Generation;
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
        Interlocked.Add(ref _state, 1L << 32);
        for (int i = 0; i < _wake.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
                _wake[i].Release();
        foreach (var thread in _threads)
            thread.Join();
        foreach (var wake in _wake)
            wake.Dispose();
    }
}
