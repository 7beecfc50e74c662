using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lion.Core.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;

namespace Lion.Endpoint;

/// <summary>
/// The Files and Batches endpoints of the OpenAI API over the endpoint's model, so batch mode
/// runs offline: POST /v1/files (multipart, purpose "batch"), GET /v1/files/{id} and
/// /v1/files/{id}/content, POST /v1/batches, GET /v1/batches/{id}. A batch is validated at once,
/// then after the completion delay each line is answered by the model and written to the output
/// file (failed lines to the error file), as the provider does. Files and batches live in memory.
/// </summary>
public sealed class BatchEmulator(IChatClient model, TimeSpan completionDelay, IBatchFilter? filter, Func<string, bool> serves)
{
    /// <summary>How long a batch created from now on takes before its output is ready.</summary>
    public TimeSpan CompletionDelay { get; set; } = completionDelay;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentDictionary<string, StoredFile> _files = new();
    private readonly ConcurrentDictionary<string, Batch> _batches = new();
    private readonly ConcurrentDictionary<string, int> _createdFromFile = new();
    private int _fileCount, _batchCount;

    private sealed record StoredFile(string Id, string Name, string Purpose, byte[] Content, long CreatedAt);

    private sealed class Batch(string id, string inputFileId, string window, long createdAt)
    {
        public string Id => id;
        public string InputFileId => inputFileId;
        public string Window => window;
        public long CreatedAt => createdAt;
        public volatile string Status = "validating";
        public int Ordinal;
        public readonly CancellationTokenSource Cancelled = new();
        public string? OutputFileId;
        public string? ErrorFileId;
        public int Total, Completed, Failed;
    }

    /// <summary>Batches created so far.</summary>
    public int BatchesCreated => Volatile.Read(ref _batchCount);

    /// <summary>How many batches were created from each input file: more than one is a request paid twice.</summary>
    public IReadOnlyDictionary<string, int> BatchesPerFile => _createdFromFile;

    /// <summary>Lines of all batches, answered or failed.</summary>
    public int LinesProcessed => _batches.Values.Sum(b => b.Completed + b.Failed);

    public void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app, Func<HttpContext, Task<bool>> authorized, long maxFileBytes)
    {
        app.MapPost("/v1/files", async context =>
        {
            if (await authorized(context))
                await Upload(context, maxFileBytes);
        });
        app.MapGet("/v1/files/{id}", async (HttpContext context, string id) =>
        {
            if (!await authorized(context))
                return;
            if (_files.TryGetValue(id, out var file))
                await context.Response.WriteAsJsonAsync(FileObject(file));
            else
                await NotFound(context, $"No such File object: {id}");
        });
        app.MapGet("/v1/files/{id}/content", async (HttpContext context, string id) =>
        {
            if (!await authorized(context))
                return;
            if (!_files.TryGetValue(id, out var file))
            {
                await NotFound(context, $"No such File object: {id}");
                return;
            }
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(file.Content);
        });
        app.MapPost("/v1/batches", async context =>
        {
            if (await authorized(context))
                await Create(context);
        });
        app.MapGet("/v1/batches/{id}", async (HttpContext context, string id) =>
        {
            if (!await authorized(context))
                return;
            if (_batches.TryGetValue(id, out var batch))
                await WriteBatch(context.Response, batch);
            else
                await NotFound(context, $"No such Batch object: {id}");
        });
        app.MapGet("/v1/batches", async context =>
        {
            if (await authorized(context))
                await ListBatches(context);
        });
        app.MapPost("/v1/batches/{id}/cancel", async (HttpContext context, string id) =>
        {
            if (await authorized(context))
                await Cancel(context, id);
        });
        app.MapGet("/v1/files", async context =>
        {
            if (!await authorized(context))
                return;
            string? purpose = context.Request.Query["purpose"];
            var files = _files.Values.Where(f => string.IsNullOrEmpty(purpose) || f.Purpose == purpose)
                .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id, StringComparer.Ordinal).Select(FileObject).ToList();
            await context.Response.WriteAsJsonAsync(new { @object = "list", data = files, has_more = false });
        });
        app.MapDelete("/v1/files/{id}", async (HttpContext context, string id) =>
        {
            if (!await authorized(context))
                return;
            if (_files.TryRemove(id, out _))
                await context.Response.WriteAsJsonAsync(new { id, @object = "file", deleted = true });
            else
                await NotFound(context, $"No such File object: {id}");
        });
    }

    /// <summary>Files the endpoint holds now: uploads and batch outputs not yet deleted.</summary>
    public int FilesStored => _files.Count;

    /// <summary>GET /v1/batches: newest first, <c>limit</c> (1–100, default 20) after the cursor <c>after</c>.</summary>
    private async Task ListBatches(HttpContext context)
    {
        string? after = context.Request.Query["after"];
        int limit = int.TryParse(context.Request.Query["limit"], out int asked) ? asked : 20;
        if (limit is < 1 or > 100)
        {
            await Invalid(context, "limit must be from 1 to 100", "limit");
            return;
        }
        var ordered = _batches.Values.OrderByDescending(b => b.Ordinal).ToList();
        int start = after is null ? 0 : ordered.FindIndex(b => b.Id == after) + 1;
        var page = ordered.Skip(start).Take(limit).ToList();
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["object"] = "list",
            ["data"] = page.Select(BatchObject).ToList(),
            ["first_id"] = page.FirstOrDefault()?.Id,
            ["last_id"] = page.LastOrDefault()?.Id,
            ["has_more"] = start + page.Count < ordered.Count,
        });
    }

    /// <summary>POST /v1/batches/{id}/cancel: a batch still running goes to cancelling, then cancelled with what it answered so far.</summary>
    private async Task Cancel(HttpContext context, string id)
    {
        if (!_batches.TryGetValue(id, out var batch))
        {
            await NotFound(context, $"No such Batch object: {id}");
            return;
        }
        if (batch.Status is not ("validating" or "in_progress" or "finalizing"))
        {
            await Invalid(context, $"Cannot cancel a batch with status '{batch.Status}'.", null);
            return;
        }
        batch.Status = "cancelling";
        batch.Cancelled.Cancel();
        await WriteBatch(context.Response, batch);
    }

    private async Task Upload(HttpContext context, long maxFileBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxFileBytes;
        if (!context.Request.HasFormContentType)
        {
            await Invalid(context, "the body must be multipart/form-data with \"file\" and \"purpose\"", "file");
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form.Files.GetFile("file") is not { } upload)
        {
            await Invalid(context, "the form has no \"file\"", "file");
            return;
        }
        string purpose = form["purpose"].ToString();
        if (purpose != "batch")
        {
            await Invalid(context, $"purpose \"{purpose}\" is not served here: only \"batch\"", "purpose");
            return;
        }
        using var buffer = new MemoryStream();
        await upload.CopyToAsync(buffer, context.RequestAborted);
        var file = new StoredFile($"file-{Interlocked.Increment(ref _fileCount)}", upload.FileName, purpose, buffer.ToArray(), Now());
        _files[file.Id] = file;
        await context.Response.WriteAsJsonAsync(FileObject(file));
    }

    private async Task Create(HttpContext context)
    {
        string? inputFileId = null, endpoint = null, window = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            string? Field(string name) => body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty(name, out var value)
                                          && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            (inputFileId, endpoint, window) = (Field("input_file_id"), Field("endpoint"), Field("completion_window"));
        }
        catch (JsonException error)
        {
            await Invalid(context, $"the body is not valid JSON: {error.Message}", null);
            return;
        }
        if (inputFileId is null || !_files.TryGetValue(inputFileId, out var file))
        {
            await Invalid(context, $"input_file_id \"{inputFileId}\" names no uploaded file", "input_file_id");
            return;
        }
        if (endpoint != Lion.Core.Gateway.BatchRequestLine.Url)
        {
            await Invalid(context, $"endpoint \"{endpoint}\" is not served here: only \"{Lion.Core.Gateway.BatchRequestLine.Url}\"", "endpoint");
            return;
        }
        int ordinal = Interlocked.Increment(ref _batchCount);
        var batch = new Batch($"batch_{ordinal}", inputFileId, window ?? "24h", Now()) { Ordinal = ordinal };
        _batches[batch.Id] = batch;
        _createdFromFile.AddOrUpdate(inputFileId, 1, (_, count) => count + 1);
        var delay = CompletionDelay;
        _ = Task.Run(() => Process(batch, ordinal, file, delay));
        await WriteBatch(context.Response, batch);
    }

    /// <summary>Answers the lines after the completion delay, as the provider would within its window.</summary>
    private async Task Process(Batch batch, int ordinal, StoredFile file, TimeSpan delay)
    {
        var lines = Encoding.UTF8.GetString(file.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        batch.Total = lines.Length;
        if (batch.Status == "validating")
            batch.Status = "in_progress";
        try
        {
            await Task.Delay(delay, batch.Cancelled.Token);
        }
        catch (OperationCanceledException)
        {
        }
        bool expires = filter?.Expires(ordinal) ?? false;
        int answerable = expires ? lines.Length / 2 : lines.Length;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        foreach (var line in lines.Take(answerable))
        {
            // A cancelled batch answers no more lines: what it answered before stays in its output.
            if (batch.Cancelled.IsCancellationRequested)
                break;
            var (result, failed) = await Answer(ordinal, line);
            (failed ? errors : output).Append(result).Append('\n');
            if (failed)
                batch.Failed++;
            else
                batch.Completed++;
        }
        batch.OutputFileId = Store(output, $"{batch.Id}_output.jsonl");
        batch.ErrorFileId = errors.Length > 0 ? Store(errors, $"{batch.Id}_error.jsonl") : null;
        batch.Status = batch.Cancelled.IsCancellationRequested ? "cancelled" : expires ? "expired" : "completed";
    }

    private string Store(StringBuilder text, string name)
    {
        var file = new StoredFile($"file-{Interlocked.Increment(ref _fileCount)}", name, "batch_output", Encoding.UTF8.GetBytes(text.ToString()), Now());
        _files[file.Id] = file;
        return file.Id;
    }

    /// <summary>One output or error line for one input line.</summary>
    private async Task<(string Line, bool Failed)> Answer(int ordinal, string line)
    {
        string customId = "";
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            customId = root.GetProperty("custom_id").GetString() ?? "";
            var body = root.GetProperty("body");
            if (filter?.FailsLine(ordinal, customId, body.GetRawText()) == true)
                return (Result(customId, 500, null, "The server had an error while processing this line (injected)."), true);
            var request = ChatCompletionRequest.Parse(body);
            if (!serves(request.Model))
                return (Result(customId, 404, null, $"The model `{request.Model}` does not exist."), true);
            var answer = await model.GetResponseAsync(request.Messages, request.Options);
            var estimator = new TokenEstimator(request.Model);
            return (Result(customId, 200, json => ChatCompletionWriter.Completion(json, $"chatcmpl-{customId[..Math.Min(12, customId.Length)]}",
                request.Model, answer.Text, answer.FinishReason?.Value ?? "stop",
                answer.Usage?.InputTokenCount ?? estimator.CountPrompt(request.Messages), answer.Usage?.OutputTokenCount ?? estimator.Count(answer.Text)), null), false);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or InvalidRequestException or NotSupportedException)
        {
            return (Result(customId, 400, null, error.Message), true);
        }
    }

    /// <summary>{"id", "custom_id", "response": {"status_code", "body"}, "error": null}.</summary>
    private static string Result(string customId, int status, Action<Utf8JsonWriter>? completion, string? error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Compact))
        {
            json.WriteStartObject();
            json.WriteString("id", $"batch_req_{Guid.NewGuid():N}");
            json.WriteString("custom_id", customId);
            json.WriteStartObject("response");
            json.WriteNumber("status_code", status);
            json.WriteString("request_id", Guid.NewGuid().ToString("N"));
            json.WritePropertyName("body");
            if (completion is not null)
                completion(json);
            else
            {
                json.WriteStartObject();
                json.WriteStartObject("error");
                json.WriteString("message", error);
                json.WriteString("type", status >= 500 ? "server_error" : "invalid_request_error");
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteNull("error");
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Task WriteBatch(HttpResponse response, Batch batch) => response.WriteAsJsonAsync(BatchObject(batch));

    private static Dictionary<string, object?> BatchObject(Batch batch) => new()
    {
        ["id"] = batch.Id,
        ["object"] = "batch",
        ["endpoint"] = Lion.Core.Gateway.BatchRequestLine.Url,
        ["input_file_id"] = batch.InputFileId,
        ["completion_window"] = batch.Window,
        ["status"] = batch.Status,
        ["output_file_id"] = batch.OutputFileId,
        ["error_file_id"] = batch.ErrorFileId,
        ["created_at"] = batch.CreatedAt,
        ["request_counts"] = new { total = batch.Total, completed = batch.Completed, failed = batch.Failed },
    };

    private static object FileObject(StoredFile file) => new
    {
        id = file.Id, @object = "file", bytes = file.Content.Length, created_at = file.CreatedAt, filename = file.Name, purpose = file.Purpose,
    };

    private static Task Invalid(HttpContext context, string message, string? param) =>
        ChatCompletionWriter.WriteError(context.Response, 400, message, "invalid_request_error", param);

    private static Task NotFound(HttpContext context, string message) =>
        ChatCompletionWriter.WriteError(context.Response, 404, message, "invalid_request_error");

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
