using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// What a request that the endpoint refused for good (a 400: the prompt is over the model's
/// context, a content filter) leaves in the store: a result of its own, counted and shown, never
/// asked again by a rerun and never training data.
/// </summary>
public static class ItemOutcome
{
    /// <summary>The generation attempt's reject reason, and the prefix of a review's parse error.</summary>
    public const string Word = "unanswerable";

    /// <summary>The finish reason of a teacher's or student's answer that was refused.</summary>
    public static readonly ChatFinishReason Unanswerable = new(Word);

    /// <summary>A request whose failure is this item's alone, however often it is sent.</summary>
    public static bool IsUnanswerable(Gateway.RemoteRequestException error) =>
        error.Failure.Kind == Gateway.RemoteFailureKind.BadRequest;
}
