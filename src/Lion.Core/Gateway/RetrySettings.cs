namespace Lion.Core.Gateway;

/// <summary>
/// Bounded retries: exponential backoff with jitter from <see cref="BaseDelay"/> up to
/// <see cref="MaxDelay"/>, or exactly what the server asks for in Retry-After as long as that
/// is at most <see cref="MaxRetryAfter"/> (a longer wait means a quota, not a burst).
/// </summary>
public sealed record RetrySettings
{
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);
}
