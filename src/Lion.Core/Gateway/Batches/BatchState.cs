namespace Lion.Core.Gateway;

/// <summary>A batch as the provider reports it: its status and, once finished, the files holding its answers and its failed lines.</summary>
public sealed record BatchState(string Id, BatchStatus Status, string? OutputFileId, string? ErrorFileId)
{
    /// <summary>The uploaded file of requests the batch was made from.</summary>
    public string? InputFileId { get; init; }
}
