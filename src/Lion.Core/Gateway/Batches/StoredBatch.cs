namespace Lion.Core.Gateway;

/// <summary>A batch as the run store keeps it: whose, how big, its ids once they exist, and the custom ids of its lines.</summary>
public sealed record StoredBatch(
    long Id, string Role, string Endpoint, int Lines, long Bytes, string? InputFileId, string? BatchId, BatchStatus Status,
    DateTimeOffset CreatedAt, IReadOnlyList<string> CustomIds);
