namespace Lion.Core.Gateway.Batches;

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
}
