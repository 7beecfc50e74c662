using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// Never pays twice for the same request: a request whose key is in the durable cache is
/// answered from it (in this process or after a restart), and identical requests in flight at
/// the same time share one upstream call. Streaming requests are answered whole and replayed
/// as updates, so every layer below sees one kind of call. Keys name the endpoint that answers
/// (<paramref name="endpoint"/>), so two servers that call their models alike never share answers;
/// an answer an older store keeps under the key without it is still used.
/// </summary>
public sealed class DurableCachingChatClient(
    IChatClient inner, IRequestCache cache, string model, Action<CachedReply>? onHit = null, string? endpoint = null)
    : DelegatingChatClient(inner)
{
    private readonly ConcurrentDictionary<string, Task<CachedReply>> _inFlight = new();

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var (key, requestJson) = RequestKey.Of(model, conversation, options, endpoint);
        string? legacy = endpoint is null ? null : RequestKey.Of(model, conversation, options).Key;

        while (true)
        {
            if ((cache.Find(key) ?? (legacy is null ? null : cache.FindLegacy(legacy))) is { } stored)
                return Hit(stored);

            var mine = new TaskCompletionSource<CachedReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            var flight = _inFlight.GetOrAdd(key, mine.Task);
            if (flight != mine.Task)
            {
                try
                {
                    return Hit(await flight.WaitAsync(cancellationToken).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue; // The caller that owned the flight gave up; ask again.
                }
            }

            try
            {
                // Another flight may have stored the answer between our look and our claim.
                var reply = cache.Find(key) is { } late
                    ? late
                    : CachedReply.From(await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false));
                cache.Store(key, options?.ModelId ?? model, requestJson, reply);
                mine.SetResult(reply);
                return reply.ToResponse(cached: false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                mine.SetCanceled(cancellationToken);
                throw;
            }
            catch (Exception error)
            {
                mine.SetException(error);
                throw;
            }
            finally
            {
                _inFlight.TryRemove(new KeyValuePair<string, Task<CachedReply>>(key, mine.Task));
            }
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
            yield return update;
    }

    private ChatResponse Hit(CachedReply reply)
    {
        onHit?.Invoke(reply);
        return reply.ToResponse(cached: true);
    }
}
