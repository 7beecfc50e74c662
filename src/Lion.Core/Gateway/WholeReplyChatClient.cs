using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// A base for chat clients that make their whole reply at once (the oracle, simulators):
/// streaming replays that reply as updates, so such a client works behind a streaming endpoint.
/// </summary>
public abstract class WholeReplyChatClient : IChatClient
{
    public abstract Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => GC.SuppressFinalize(this);
}
