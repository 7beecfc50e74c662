namespace Lion.Core.Gateway;

/// <summary>The provider's Files and Batches endpoints, as far as a batch role needs them.</summary>
public interface IBatchApi
{
    /// <summary>Uploads a JSONL file of requests (purpose "batch"); returns its file id.</summary>
    Task<string> UploadAsync(string fileName, byte[] jsonl, CancellationToken cancellationToken);

    /// <summary>Creates a batch of chat completions from an uploaded file.</summary>
    Task<BatchState> CreateAsync(string inputFileId, string completionWindow, CancellationToken cancellationToken);

    Task<BatchState> GetAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>A file's content: a batch's output or error lines.</summary>
    Task<string> DownloadAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>Asks the provider to stop a batch: it goes to cancelling, then cancelled with what it answered so far.</summary>
    Task<BatchState> CancelAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>Deletes a file from the provider's storage (which is limited, and kept until deleted).</summary>
    Task DeleteFileAsync(string fileId, CancellationToken cancellationToken);
}
