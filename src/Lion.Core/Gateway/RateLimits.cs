namespace Lion.Core.Gateway;

/// <summary>
/// The provider's limits the gateway paces itself to: requests and tokens per minute (the
/// tokens of a request are its estimated prompt plus its max output tokens, as providers count
/// them), and how many requests may be in flight at once.
/// </summary>
public sealed record RateLimits(int RequestsPerMinute = 500, int TokensPerMinute = 200_000, int MaxConcurrency = 64)
{
    public static RateLimits Unlimited { get; } = new(int.MaxValue, int.MaxValue, 1024);
}
