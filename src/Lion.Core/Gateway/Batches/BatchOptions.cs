namespace Lion.Core.Gateway;

/// <summary>
/// How a batch role collects, submits and polls (the run config's <c>batch</c> block): requests
/// are collected until none has arrived for <see cref="Collect"/>, written in files within the
/// provider's limits, polled from <see cref="Poll"/> doubling up to <see cref="MaxPoll"/>; a line
/// that failed or expired is asked again, in a new batch or live, up to <see cref="MaxAttempts"/> in all.
/// </summary>
public sealed record BatchOptions
{
    public TimeSpan Collect { get; init; } = TimeSpan.FromSeconds(2);
    public int MaxLines { get; init; } = 50_000;
    public long MaxBytes { get; init; } = 200_000_000;
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxPoll { get; init; } = TimeSpan.FromMinutes(10);
    public string CompletionWindow { get; init; } = "24h";
    public bool RetryLive { get; init; }
    public int MaxAttempts { get; init; } = 3;
}
