using Lion.Core.Text;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// The gateway's outermost layer: a reply's text is cleaned (<see cref="OutsideText"/>) where it
/// enters the run. It sits above the cache, so a reply stored raw is cleaned again whenever it is
/// replayed, and a run resumed after a junk reply sees what the first one saw.
/// </summary>
public sealed class SanitizingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        string text = response.Text;
        string clean = OutsideText.Clean(text);
        if (ReferenceEquals(text, clean))
            return response;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, clean))
        {
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            ModelId = response.ModelId,
            ResponseId = response.ResponseId,
            CreatedAt = response.CreatedAt,
            AdditionalProperties = response.AdditionalProperties,
        };
    }
}
