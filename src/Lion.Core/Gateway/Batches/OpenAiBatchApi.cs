using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;

namespace Lion.Core.Gateway;

/// <summary>
/// The Files and Batches endpoints of an OpenAI-compatible provider, through the official SDK's
/// clients (their own retries off, as for chat: <see cref="RemoteRetry"/> owns retrying). The
/// SDK's batch client speaks raw JSON, read here.
/// </summary>
#pragma warning disable OPENAI001 // The SDK marks its batch client experimental.
public sealed class OpenAiBatchApi : IBatchApi
{
    private readonly OpenAIFileClient _files;
    private readonly BatchClient _batches;

    public OpenAiBatchApi(EndpointSettings endpoint, string role = "endpoint")
    {
        var client = new OpenAIClient(new ApiKeyCredential(OpenAiEndpoint.Key(endpoint)), OpenAiEndpoint.Options(endpoint, role));
        _files = client.GetOpenAIFileClient();
        _batches = client.GetBatchClient();
    }

    public async Task<string> UploadAsync(string fileName, byte[] jsonl, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(jsonl);
        OpenAIFile file = await _files.UploadFileAsync(content, fileName, FileUploadPurpose.Batch, cancellationToken).ConfigureAwait(false);
        return file.Id;
    }

    public async Task<BatchState> CreateAsync(string inputFileId, string completionWindow, CancellationToken cancellationToken)
    {
        var body = BinaryContent.Create(BinaryData.FromObjectAsJson(new
        {
            input_file_id = inputFileId, endpoint = BatchRequestLine.Url, completion_window = completionWindow,
        }));
        var operation = await _batches.CreateBatchAsync(body, waitUntilCompleted: false, Options(cancellationToken)).ConfigureAwait(false);
        return Read(operation.GetRawResponse().Content);
    }

    public async Task<BatchState> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        var operation = await CreateBatchOperation.RehydrateAsync(_batches, batchId, cancellationToken).ConfigureAwait(false);
        return Read(operation.GetRawResponse().Content);
    }

    public async Task<string> DownloadAsync(string fileId, CancellationToken cancellationToken) =>
        (await _files.DownloadFileAsync(fileId, cancellationToken).ConfigureAwait(false)).Value.ToString();

    private static RequestOptions Options(CancellationToken cancellationToken) => new() { CancellationToken = cancellationToken };

    public async Task<BatchState> CancelAsync(string batchId, CancellationToken cancellationToken)
    {
        var operation = await CreateBatchOperation.RehydrateAsync(_batches, batchId, cancellationToken).ConfigureAwait(false);
        var result = await operation.CancelAsync(Options(cancellationToken)).ConfigureAwait(false);
        return Read(result.GetRawResponse().Content);
    }

    public async Task DeleteFileAsync(string fileId, CancellationToken cancellationToken) =>
        await _files.DeleteFileAsync(fileId, cancellationToken).ConfigureAwait(false);

    /// <summary>A batch object: its id, status, and output and error files.</summary>
    public static BatchState Read(BinaryData json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        string status = Text("status") ?? throw new JsonException("the batch object has no status");
        return new BatchState(Text("id") ?? throw new JsonException("the batch object has no id"),
            Vocabulary<BatchStatus>.TryParse(status, out var known) ? known : throw new JsonException($"unknown batch status \"{status}\""),
            Text("output_file_id"), Text("error_file_id"))
        {
            InputFileId = Text("input_file_id"),
        };
    }
}
#pragma warning restore OPENAI001
