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

    public static IChatClient Create(EndpointSettings endpoint, string model)
    {
        string key = Environment.GetEnvironmentVariable(endpoint.ApiKeyVariable) is { Length: > 0 } value ? value : NoKey;
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = endpoint.Timeout,
        };
        return new ChatClient(model, new ApiKeyCredential(key), options).AsIChatClient();
    }
}
