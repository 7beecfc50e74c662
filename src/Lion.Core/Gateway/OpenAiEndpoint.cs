using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Lion.Core.Gateway;

/// <summary>
/// An <see cref="IChatClient"/> for one model at an OpenAI-compatible endpoint. The SDK's own
/// retries are off: it would retry 429 and 5xx three times without backoff, under the rate
/// limiter's nose; <see cref="RetryingChatClient"/> owns retrying.
/// </summary>
public static class OpenAiEndpoint
{
    /// <summary>Sent when the key variable is unset: local servers (vLLM, llama.cpp) need none.</summary>
    private const string NoKey = "no-key";

    public static IChatClient Create(EndpointSettings endpoint, string model, string role = "endpoint") =>
        new ChatClient(model, new ApiKeyCredential(Key(endpoint)), Options(endpoint, role)).AsIChatClient();

    /// <summary>The SDK's options for <paramref name="endpoint"/>: its address, no retries, its timeout, and its request shape.</summary>
    public static OpenAIClientOptions Options(EndpointSettings endpoint, string role)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = endpoint.Timeout,
        };
        if (!endpoint.Shape.IsEmpty)
            options.AddPolicy(new ProviderRequestPolicy(endpoint.Shape, endpoint.Shape.HeaderValues(role), Key(endpoint)), PipelinePosition.BeforeTransport);
        return options;
    }

    public static string Key(EndpointSettings endpoint) =>
        Environment.GetEnvironmentVariable(endpoint.ApiKeyVariable) is { Length: > 0 } value ? value : NoKey;
}
