namespace Lion.Core.Gateway;

/// <summary>Everything the teacher gateway needs: endpoint, model per role, limits, retries, prices, budget.</summary>
public sealed record GatewaySettings(EndpointSettings Endpoint, IReadOnlyDictionary<string, string> ModelsByRole)
{
    public RateLimits Limits { get; init; } = new();
    public RetrySettings Retry { get; init; } = new();
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();
    public Budget Budget { get; init; } = Budget.None;

    /// <summary>The output tokens assumed for a request that sets no max tokens (limits and budget).</summary>
    public int DefaultMaxOutputTokens { get; init; } = 1024;
}
