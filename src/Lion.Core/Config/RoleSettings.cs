namespace Lion.Core.Config;

/// <summary>
/// Where one role's model lives and how it decodes. Endpoint "oracle" is the built-in offline
/// teacher; anything else is the base URL of an OpenAI-compatible API, ending in /v1.
/// </summary>
public sealed record RoleSettings
{
    public const string OracleEndpoint = "oracle";

    public string Endpoint { get; init; } = OracleEndpoint;

    /// <summary>Whether the built-in oracle answers this role (in-process: no provider, no price, no limits).</summary>
    public bool IsOracle => Endpoint == OracleEndpoint;
    public string Model { get; init; } = "lion-oracle";
    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";
    public double Temperature { get; init; }
    public double TopP { get; init; } = 1.0;
    public int MaxTokens { get; init; } = 1024;

    /// <summary>Generator only: max tokens are this many per word of the seed instruction (the reference scripts use 4).</summary>
    public int MaxTokensPerSeedWord { get; init; }

    public double TimeoutSeconds { get; init; } = 120;

    /// <summary>This role's provider limits; null: the run's <c>limits</c> block (providers limit per model, so roles on one model share them).</summary>
    public LimitSettings? Limits { get; init; }

    /// <summary>
    /// Whether this role's requests go through the provider's Batch API (half price, answers within
    /// its completion window) rather than one by one; see <see cref="BatchSettings"/>.
    /// </summary>
    public bool Batch { get; init; }

    /// <summary>Whether the endpoint is a server on this machine (127.0.0.1, localhost, ::1), which no provider limits.</summary>
    public bool IsLoopback => Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
