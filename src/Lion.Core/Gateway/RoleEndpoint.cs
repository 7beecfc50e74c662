namespace Lion.Core.Gateway;

/// <summary>
/// Who answers a role: the endpoint's address ("oracle" for the built-in one, else an
/// OpenAI-compatible base URL), the model there, the variable its key is read from and how long
/// a request may take. Two roles share an upstream client and pacer only when all of it agrees:
/// a model name alone never sends one role's requests to another role's server or key.
/// <see cref="Limits"/>, when set, paces this endpoint instead of the gateway's shared limits.
/// </summary>
public sealed record RoleEndpoint(string Address, string Model, string ApiKeyVariable, TimeSpan Timeout, RateLimits? Limits = null)
{
    public string Identity => $"{Address} {Model} {ApiKeyVariable} {Timeout.TotalSeconds}";

    /// <summary>What the request cache keys on: who answers (the address and the model), not how long it may take or with which key.</summary>
    public string CacheIdentity => $"{Address} {Model}";
}
