using System.Text.Json;

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
    /// <summary>
    /// The environment variable the key is read from. Named, it must be set when the run starts;
    /// left out, OPENAI_API_KEY is sent when set and no key otherwise (a local server needs none).
    /// </summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>The variable the key is read from: the one named, else OPENAI_API_KEY.</summary>
    public string KeyVariable => ApiKeyEnv ?? "OPENAI_API_KEY";

    /// <summary>Null: not sent, so the model's own default applies (reasoning models accept no other).</summary>
    public double? Temperature { get; init; }

    /// <summary>Null: not sent.</summary>
    public double? TopP { get; init; } = 1.0;

    /// <summary>Null: not sent, for a server that has no limit of its own to ask for.</summary>
    public int? MaxTokens { get; init; } = 1024;

    /// <summary>
    /// Fields merged into every request body of this role as given (<c>reasoning_effort</c>, vLLM's
    /// <c>top_k</c> or <c>chat_template_kwargs</c>, …), over the ones lion sets; part of the cache key.
    /// </summary>
    public Dictionary<string, JsonElement>? ExtraBody { get; init; }

    /// <summary>
    /// Extra HTTP headers of this role's requests, each named with the environment variable its
    /// value is read from when the client is built, so no value is ever stored.
    /// </summary>
    public Dictionary<string, string>? Headers { get; init; }

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
