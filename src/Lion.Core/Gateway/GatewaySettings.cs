namespace Lion.Core.Gateway;

/// <summary>Everything the teacher gateway needs: endpoint, model per role, limits, retries, prices, budget.</summary>
public sealed record GatewaySettings(EndpointSettings? Endpoint, IReadOnlyDictionary<Role, string> ModelsByRole)
{
    /// <summary>
    /// Each role's endpoint identity, which keys upstream clients and pacers; a role missing here
    /// is identified by <see cref="Endpoint"/> (the endpoint every such role shares) and its model.
    /// </summary>
    public IReadOnlyDictionary<Role, RoleEndpoint> EndpointsByRole { get; init; } = new Dictionary<Role, RoleEndpoint>();

    /// <summary>Where each role's request parameters come from in the run config; a role missing here is named by its role alone.</summary>
    public IReadOnlyDictionary<Role, ConfigKeys> ConfigKeysByRole { get; init; } = new Dictionary<Role, ConfigKeys>();

    public RateLimits Limits { get; init; } = new();
    public RetrySettings Retry { get; init; } = new();
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();
    public Budget Budget { get; init; } = Budget.None;

    /// <summary>The roles whose requests go through the Batch API, and how.</summary>
    public IReadOnlySet<Role> BatchRoles { get; init; } = new HashSet<Role>();
    public BatchOptions Batch { get; init; } = new();

    /// <summary>The output tokens assumed for a request that sets no max tokens (limits and budget).</summary>
    public int DefaultMaxOutputTokens { get; init; } = 1024;
}
