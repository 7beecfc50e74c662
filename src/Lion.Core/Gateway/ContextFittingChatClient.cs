using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// Keeps a request's max_tokens inside the model's context, as a server that knows its context
/// needs: a request whose prompt fits but whose max_tokens would overflow is sent with what fits
/// rather than refused. Where the endpoint reports its context (vLLM's <c>max_model_len</c> in GET
/// /v1/models, as <c>lion serve</c> does too), requests are fitted before they are sent, by an
/// estimate of the prompt; where a refusal says how long the prompt was, the request is sent once
/// more with exactly the room left. A prompt that alone is too long is the item's and passes up
/// unchanged. Every fitted request is recorded. The context is asked by the request's model id.
/// </summary>
public sealed class ContextFittingChatClient(
    IChatClient inner, Func<string?, CancellationToken, Task<int?>> contextLength, TokenEstimator estimator, Action<int, int> onFitted)
    : DelegatingChatClient(inner)
{
    /// <summary>Output tokens kept free of an estimated prompt, since an estimate may count short.</summary>
    private const int Margin = 16;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        int asked = options?.MaxOutputTokens ?? 0;
        if (await contextLength(options?.ModelId, cancellationToken).ConfigureAwait(false) is { } context)
        {
            int room = context - (int)Math.Min(int.MaxValue, estimator.CountPrompt(conversation)) - Margin;
            if (room > 0 && asked > room)
                options = Fitted(options, asked, room);
        }
        try
        {
            return await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteRequestException refused) when (refused.Failure is { Kind: RemoteFailureKind.ContextExceeded, Overflow: { PromptFits: true } overflow }
                                                     && (options?.MaxOutputTokens is not { } sent || sent > overflow.Room))
        {
            return await base.GetResponseAsync(conversation, Fitted(options, asked, overflow.Room), cancellationToken).ConfigureAwait(false);
        }
    }

    private ChatOptions Fitted(ChatOptions? options, int asked, int room)
    {
        var fitted = options?.Clone() ?? new ChatOptions();
        fitted.MaxOutputTokens = room;
        onFitted(asked, room);
        return fitted;
    }
}
