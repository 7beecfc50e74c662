namespace Lion.Core.Gateway;

/// <summary>
/// Where a batch role writes each step of a batch as soon as it happens, so that a run stopped at
/// any point resumes the same batches rather than submitting their requests again.
/// </summary>
public interface IBatchLog
{
    /// <summary>A batch file written, before it is uploaded: its lines' custom ids; returns its id in the store.</summary>
    long BatchWritten(string role, string endpoint, IReadOnlyCollection<string> customIds, long bytes);

    void FileUploaded(long batch, string inputFileId);

    void BatchSubmitted(long batch, string batchId);

    /// <summary>The status the provider last reported for a batch still under way.</summary>
    void BatchPolled(long batch, BatchStatus status);

    void BatchFinished(long batch, BatchStatus status, int answered, int failed);

    /// <summary>The role's batches at this endpoint that are not finished, oldest first, with their lines.</summary>
    IReadOnlyList<StoredBatch> UnfinishedBatches(string role, string endpoint);
}
