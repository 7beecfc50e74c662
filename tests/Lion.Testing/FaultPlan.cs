namespace Lion.Testing;

/// <summary>
/// Which faults the endpoint injects, at what rates (each a probability per request), and the
/// latency of every reply, drawn uniformly from [<see cref="MinLatency"/>, <see cref="MaxLatency"/>].
/// Seeded, so a test sees the same sequence of faults for the same sequence of requests.
/// </summary>
public sealed record FaultPlan
{
    public static FaultPlan None { get; } = new();

    public TimeSpan MinLatency { get; init; }
    public TimeSpan MaxLatency { get; init; }
    public double RateLimited { get; init; }
    public double ServerError { get; init; }
    public double Unavailable { get; init; }
    public double Hang { get; init; }
    public double DropConnection { get; init; }
    public double MalformedJson { get; init; }
    public double EmptyContent { get; init; }
    public double Truncated { get; init; }

    /// <summary>Sent with injected 429s as Retry-After, and as retry-after-ms when it has a fraction of a second.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>When set, the endpoint itself enforces this many requests a minute (2 s of burst) and answers 429 beyond it.</summary>
    public int? EnforcedRequestsPerMinute { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>When set, every request whose body holds this text fails with a 500, however often it is retried: one item that never gets through.</summary>
    public string? FailRequestsContaining { get; init; }

    /// <summary>Batches (numbered from 1 in the order created) that expire with only their first half of lines answered.</summary>
    public IReadOnlyList<int> ExpiredBatches { get; init; } = [];

    /// <summary>The share of batch lines that fail with a server error, drawn per line (seeded by its custom id).</summary>
    public double FailedBatchLines { get; init; }

    /// <summary>Only lines of the first this many batches fail; later batches (the retries) answer every line.</summary>
    public int FailLinesInFirstBatches { get; init; } = int.MaxValue;

    /// <summary>Faults for the first requests, in order (None for a normal answer); random draws follow.</summary>
    public IReadOnlyList<FaultKind> Script { get; init; } = [];

    /// <summary>Picks the fault for one request from a uniform draw in [0, 1).</summary>
    public FaultKind Pick(double draw)
    {
        (FaultKind Kind, double Rate)[] rates =
        [
            (FaultKind.RateLimited, RateLimited), (FaultKind.ServerError, ServerError),
            (FaultKind.Unavailable, Unavailable), (FaultKind.Hang, Hang),
            (FaultKind.DropConnection, DropConnection), (FaultKind.MalformedJson, MalformedJson),
            (FaultKind.EmptyContent, EmptyContent), (FaultKind.Truncated, Truncated),
        ];
        foreach (var (kind, rate) in rates)
        {
            if (draw < rate)
                return kind;
            draw -= rate;
        }
        return FaultKind.None;
    }
}
