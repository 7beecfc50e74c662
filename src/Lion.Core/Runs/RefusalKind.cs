namespace Lion.Core.Runs;

/// <summary>Why an endpoint refused a run as a whole, rather than one of its items.</summary>
public enum RefusalKind
{
    /// <summary>A parameter the config sets (sampling, a token limit, an extra body field) is not accepted.</summary>
    Config,

    /// <summary>The account has no credit left.</summary>
    Quota,

    /// <summary>The endpoint refuses the key, the model or the route.</summary>
    Endpoint,
}
