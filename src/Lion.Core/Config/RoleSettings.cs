namespace Lion.Core.Config;

/// <summary>
/// Where one role's model lives and how it decodes. Endpoint "oracle" is the built-in offline
/// teacher; anything else is the base URL of an OpenAI-compatible API, ending in /v1.
/// </summary>
public sealed record RoleSettings
{
    public string Endpoint { get; init; } = "oracle";
    public string Model { get; init; } = "lion-oracle";
    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";
    public double Temperature { get; init; }
    public double TopP { get; init; } = 1.0;
    public int MaxTokens { get; init; } = 1024;

    /// <summary>Generator only: max tokens are this many per word of the seed instruction (the reference scripts use 4).</summary>
    public int MaxTokensPerSeedWord { get; init; }

    public double TimeoutSeconds { get; init; } = 120;
}
