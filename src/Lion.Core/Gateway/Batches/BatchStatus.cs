namespace Lion.Core.Gateway;

/// <summary>
/// Where a batch stands: the Batch API's statuses, and <see cref="Submitting"/> for a batch whose
/// file is written but not yet accepted as a batch (its file may or may not be uploaded).
/// </summary>
public enum BatchStatus
{
    Submitting,
    Validating,
    InProgress,
    Finalizing,
    Completed,
    Failed,
    Expired,
    Cancelling,
    Cancelled,
}

public static class BatchStatusExtensions
{
    /// <summary>Whether the provider will do no more with the batch: its output, if any, is final.</summary>
    public static bool IsFinished(this BatchStatus status) =>
        status is BatchStatus.Completed or BatchStatus.Failed or BatchStatus.Expired or BatchStatus.Cancelled;
}
