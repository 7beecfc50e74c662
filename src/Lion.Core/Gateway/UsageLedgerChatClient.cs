using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// Sits just above the retry layer, where every call that passes is paid for: reserves the
/// request's worst case in the <see cref="UsageLedger"/> (refusing it if the budget would be
/// exceeded) and records what the answer actually cost. The provider's token counts are used
/// when the reply has them, the estimate otherwise.
/// </summary>
public sealed class UsageLedgerChatClient(
    IChatClient inner, UsageLedger ledger, string role, string model, TokenEstimator estimator, int defaultMaxOutputTokens)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        long promptTokens = estimator.CountPrompt(conversation);
        using var reservation = ledger.Reserve(model, promptTokens, options?.MaxOutputTokens ?? defaultMaxOutputTokens);

        var response = await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
        ledger.RecordPaid(role, model,
            response.Usage?.InputTokenCount ?? promptTokens,
            response.Usage?.OutputTokenCount ?? estimator.Count(response.Text));
        return response;
    }
}
