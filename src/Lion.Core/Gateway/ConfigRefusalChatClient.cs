using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// Turns a refusal of the request's parameters into a <see cref="ConfigRefusedException"/> naming
/// the role's config key, so that no stage stores it as an item the model cannot answer: a
/// parameter the model does not take, or a context overflow that fewer output tokens would have
/// avoided and that <see cref="ContextFittingChatClient"/> could not fit.
/// </summary>
public sealed class ConfigRefusalChatClient(IChatClient inner, ConfigKeys keys) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteRequestException refused) when (refused.Failure.Kind == RemoteFailureKind.ConfigRejected)
        {
            throw new ConfigRefusedException(keys.For(refused.Failure.Param), refused.Failure, refused);
        }
        catch (RemoteRequestException refused) when (refused.Failure is { Kind: RemoteFailureKind.ContextExceeded, Overflow.PromptFits: true })
        {
            throw new ConfigRefusedException(keys.For("max_tokens"), refused.Failure, refused);
        }
    }
}
