using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// What a request the endpoint refused for the item's own sake leaves in the store: a result of
/// its own, counted and shown, never training data. Two kinds: <em>unanswerable</em> (a 400 about
/// the item: its prompt over the model's context, say) and <em>content_filter</em> (the provider's
/// content filter, as a 400 or as a reply that stopped with finish reason content_filter). Either
/// belongs to the request (the item and the role's parameters, <see cref="RequestFingerprint"/>):
/// it is never asked again under the same parameters, and asked again under others. A refusal of
/// the parameters themselves is the config's (<see cref="ConfigRefusedException"/>), never an
/// item's result.
/// </summary>
public static class ItemOutcome
{
    /// <summary>The generation attempt's reject reason, and the prefix of a review's parse error.</summary>
    public const string Word = "unanswerable";

    /// <summary>The same, for the provider's content filter.</summary>
    public const string FilteredWord = "content_filter";

    /// <summary>The finish reason of a teacher's or student's answer that was refused.</summary>
    public static readonly ChatFinishReason Unanswerable = new(Word);

    /// <summary>What is kept of a reply the content filter withheld (it has no text).</summary>
    public const string Withheld = "the provider's content filter withheld the reply";

    /// <summary>The finish reason of an answer the provider's content filter withheld.</summary>
    public static readonly ChatFinishReason ContentFilter = ChatFinishReason.ContentFilter;

    /// <summary>A request whose failure is this item's alone, however often it is sent.</summary>
    public static bool IsUnanswerable(RemoteRequestException error) =>
        error.Failure.Kind == RemoteFailureKind.BadRequest
        || error.Failure is { Kind: RemoteFailureKind.ContextExceeded, Overflow.PromptFits: not true };

    public static bool IsContentFiltered(RemoteRequestException error) => error.Failure.Kind == RemoteFailureKind.ContentFiltered;

    /// <summary>Either refusal of the item: its result under these parameters.</summary>
    public static bool IsRefusal(RemoteRequestException error) => IsUnanswerable(error) || IsContentFiltered(error);

    /// <summary>The finish reason a refused request is stored with.</summary>
    public static ChatFinishReason FinishOf(RemoteRequestException error) => IsContentFiltered(error) ? ContentFilter : Unanswerable;

    /// <summary>Whether an answer's finish reason is a refusal of either kind.</summary>
    public static bool IsRefused(ChatFinishReason? finish) => finish == Unanswerable || finish == ContentFilter;

    /// <summary>The word a refusal is recorded with (reject reason, review problem prefix).</summary>
    public static string WordOf(ChatFinishReason finish) => finish == ContentFilter ? FilteredWord : Word;
}
