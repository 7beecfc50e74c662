using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// Holds each request until it fits the provider's limits (<see cref="RequestPacer"/>) and a
/// concurrency slot is free, and tells the pacer how the provider answered. Every attempt of
/// the retry layer above passes through here, so retries count against the limits too.
/// </summary>
public sealed class RateLimitingChatClient(
    IChatClient inner, RequestPacer pacer, SemaphoreSlim concurrency, TokenEstimator estimator, int defaultMaxOutputTokens)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        long tokens = estimator.CountPrompt(conversation) + (options?.MaxOutputTokens ?? defaultMaxOutputTokens);

        await concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await pacer.WaitAsync(tokens, cancellationToken).ConfigureAwait(false);
            var response = await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
            pacer.Observe(throttled: false);
            return response;
        }
        catch (Exception error) when (RemoteFailure.From(error, cancellationToken) is { } failure)
        {
            pacer.Observe(throttled: failure.Kind == RemoteFailureKind.RateLimited);
            throw;
        }
        finally
        {
            concurrency.Release();
        }
    }
}
