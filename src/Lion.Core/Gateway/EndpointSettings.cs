namespace Lion.Core.Gateway;

/// <summary>
/// Where the strong model lives: any OpenAI-compatible base URL (OpenAI, Azure OpenAI, vLLM,
/// llama.cpp server, Ollama), ending in /v1, or an Azure deployment URL. The key is read from the
/// named environment variable at the moment the client is built, so it is never part of a stored
/// config.
/// </summary>
public sealed record EndpointSettings(Uri BaseUrl, string ApiKeyVariable = "OPENAI_API_KEY")
{
    /// <summary>How long one request may take before it counts as a timeout and is retried.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>What every request of this endpoint carries beyond the chat options.</summary>
    public RequestShape Shape { get; init; } = RequestShape.None;

    /// <summary>The settings for a role's endpoint URL: an Azure deployment URL becomes its base and api-version.</summary>
    public static EndpointSettings For(string endpoint, string apiKeyVariable, TimeSpan timeout, RequestShape shape)
    {
        if (AzureDeployment.From(endpoint) is { } azure)
            return new EndpointSettings(azure.BaseUrl, apiKeyVariable) { Timeout = timeout, Shape = shape with { AzureApiVersion = azure.ApiVersion } };
        return new EndpointSettings(new Uri(endpoint), apiKeyVariable) { Timeout = timeout, Shape = shape };
    }
}
