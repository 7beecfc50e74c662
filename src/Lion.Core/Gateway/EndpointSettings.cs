namespace Lion.Core.Gateway;

/// <summary>
/// Where the strong model lives: any OpenAI-compatible base URL (OpenAI, Azure OpenAI, vLLM,
/// llama.cpp server, Ollama), ending in /v1. The key is read from the named environment
/// variable at the moment the client is built, so it is never part of a stored config.
/// </summary>
public sealed record EndpointSettings(Uri BaseUrl, string ApiKeyVariable = "OPENAI_API_KEY")
{
    /// <summary>How long one request may take before it counts as a timeout and is retried.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
}
