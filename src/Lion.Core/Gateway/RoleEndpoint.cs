namespace Lion.Core.Gateway;

/// <summary>
/// Who answers a role: the endpoint's address ("oracle" for the built-in one, else an
/// OpenAI-compatible base URL), the model there, the variable its key is read from, how long
/// a request may take and what each request carries beyond the chat options. Two roles share an
/// upstream client and pacer only when all of it agrees: a model name alone never sends one role's
/// requests to another role's server, key or extra body. <see cref="Limits"/>, when set, paces this
/// endpoint instead of the gateway's shared limits.
/// </summary>
public sealed record RoleEndpoint(string Address, string Model, string ApiKeyVariable, TimeSpan Timeout, RateLimits? Limits = null)
{
    public RequestShape Shape { get; init; } = RequestShape.None;

    public string Identity =>
        $"{Address} {Model} {ApiKeyVariable} {Timeout.TotalSeconds} {Shape.CanonicalExtraBody()} {string.Join(",", Shape.Headers.Select(h => $"{h.Key}={h.Value}"))}";

    /// <summary>
    /// What the request cache keys on: who answers (the address and the model) and the extra body,
    /// which changes the answer; not how long it may take, with which key or which headers.
    /// </summary>
    public string CacheIdentity => Shape.ExtraBody.Count == 0 ? $"{Address} {Model}" : $"{Address} {Model} {Shape.CanonicalExtraBody()}";
}
