using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// The one place that retries chat requests, as <see cref="RemoteRetry"/> retries any remote call.
/// </summary>
public sealed class RetryingChatClient(
    IChatClient inner, RetrySettings settings, Action<RemoteFailure, int>? onFailure = null, TimeProvider? time = null)
    : DelegatingChatClient(inner)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        return RemoteRetry.RunAsync(token => base.GetResponseAsync(conversation, options, token), settings, onFailure, _time, cancellationToken);
    }
}
