using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Lion.Core;
using Lion.Core.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lion.Endpoint;

/// <summary>
/// An OpenAI-compatible HTTP endpoint (POST /v1/chat/completions, streaming or not; GET
/// /v1/models; GET /health; the Files and Batches endpoints, emulated by <see cref="BatchEmulator"/>)
/// in front of any <see cref="IChatClient"/>: the oracle, a student, or a test model. A
/// <see cref="IChatRequestFilter"/> may stand before the model (tests inject faults there).
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IChatClient _model;
    private readonly ChatServerOptions _options;
    private readonly BearerKey? _key;
    private readonly ConcurrentDictionary<string, TokenEstimator> _estimators = new();
    private long _completions;
    private int _inFlight;
    private int _received;

    private ChatServer(WebApplication app, IChatClient model, ChatServerOptions options)
    {
        _app = app;
        _model = model;
        _options = options;
        _key = options.ApiKey is { Length: > 0 } key ? new BearerKey(key) : null;
        Batches = new BatchEmulator(model, options.BatchCompletionDelay, options.Filter as IBatchFilter, name => ServedModels().Contains(name));
    }

    /// <summary>The emulated Batch API: what it was sent and did.</summary>
    public BatchEmulator Batches { get; }

    /// <summary>The base URL clients use, ending in /v1/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Chat requests received, answered or not.</summary>
    public int Received => Volatile.Read(ref _received);

    public static async Task<ChatServer> StartAsync(IChatClient model, ChatServerOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.Listen(ListenAddress(options.Host), options.Port);
        });
        var app = builder.Build();
        var server = new ChatServer(app, model, options);

        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        app.MapGet("/v1/models", server.ListModels);
        app.MapPost("/v1/chat/completions", server.Complete);
        app.MapPost("/v1/completions", server.CompleteText);
        server.Batches.Map(app, server.Authorized, options.MaxFileBytes);
        if (options.Adapters is not null)
        {
            app.MapPost("/v1/load_lora_adapter", server.LoadAdapter);
            app.MapPost("/v1/unload_lora_adapter", server.UnloadAdapter);
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException bind) when (bind.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw new BadInputException($"{options.Host}:{options.Port}: the address is already in use");
        }
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IPAddress ListenAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new BadInputException($"--host {host}: give an IP address such as 127.0.0.1 or 0.0.0.0");

    /// <summary>Answers 401 and returns false when a key is required and the request lacks it.</summary>
    private async Task<bool> Authorized(HttpContext context)
    {
        if (_key is null || _key.Accepts(context.Request.Headers.Authorization.ToString()))
            return true;
        await ChatCompletionWriter.WriteError(context.Response, 401, "Incorrect API key provided.",
            "invalid_request_error", code: "invalid_api_key");
        return false;
    }

    private async Task ListModels(HttpContext context)
    {
        if (!await Authorized(context))
            return;
        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = ServedModels().Select(id => new { id, @object = "model", created = 0, owned_by = "lion", max_model_len = _options.ContextLength }),
        });
    }

    private IEnumerable<string> ServedModels() => _options.Models.Concat(_options.Adapters?.Names ?? []);

    /// <summary>vLLM's POST /v1/load_lora_adapter: {"lora_name", "lora_path"}.</summary>
    private async Task LoadAdapter(HttpContext context)
    {
        if (!await Authorized(context))
            return;
        var (name, path) = await AdapterRequest(context, "lora_path");
        if (name is null)
            return;
        try
        {
            await _options.Adapters!.LoadAsync(name, path!, context.RequestAborted);
        }
        catch (InvalidRequestException invalid)
        {
            await ChatCompletionWriter.WriteError(context.Response, 400, invalid.Message, "invalid_request_error", invalid.Param);
            return;
        }
        catch (BadInputException bad)
        {
            await ChatCompletionWriter.WriteError(context.Response, 400, bad.Message, "invalid_request_error", "lora_path");
            return;
        }
        await context.Response.WriteAsync($"Success: LoRA adapter '{name}' added successfully.");
    }

    /// <summary>vLLM's POST /v1/unload_lora_adapter: {"lora_name"}.</summary>
    private async Task UnloadAdapter(HttpContext context)
    {
        if (!await Authorized(context))
            return;
        var (name, _) = await AdapterRequest(context, null);
        if (name is null)
            return;
        if (!_options.Adapters!.Unload(name))
        {
            await ChatCompletionWriter.WriteError(context.Response, 404, $"The LoRA adapter '{name}' is not loaded.", "invalid_request_error", "lora_name");
            return;
        }
        await context.Response.WriteAsync($"Success: LoRA adapter '{name}' removed successfully.");
    }

    /// <summary>The adapter's name and, when <paramref name="pathField"/> is given, its path; (null, null) after answering a 400.</summary>
    private static async Task<(string? Name, string? Path)> AdapterRequest(HttpContext context, string? pathField)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            string? Field(string field) => body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty(field, out var value)
                                           && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
            string? name = Field("lora_name");
            string? path = pathField is null ? null : Field(pathField);
            if (name is not null && (pathField is null || path is not null))
                return (name, path);
            await ChatCompletionWriter.WriteError(context.Response, 400, $"the body needs \"lora_name\"{(pathField is null ? "" : $" and \"{pathField}\"")} as strings",
                "invalid_request_error", name is null ? "lora_name" : pathField);
        }
        catch (JsonException error)
        {
            await ChatCompletionWriter.WriteError(context.Response, 400, $"the body is not valid JSON: {error.Message}", "invalid_request_error");
        }
        return (null, null);
    }

    private async Task Complete(HttpContext context)
    {
        var response = context.Response;
        Interlocked.Increment(ref _received);
        // The key first: a request without it never gets its body read, so unauthenticated
        // traffic costs no memory however large the bodies it announces.
        if (!await Authorized(context))
            return;
        if (await Body(context) is not { } body || await Parsed(response, body, ChatCompletionRequest.Parse) is not { } request)
            return;
        if (!ServedModels().Contains(request.Model))
        {
            await ChatCompletionWriter.WriteError(response, 404, $"The model `{request.Model}` does not exist.",
                "invalid_request_error", "model", "model_not_found");
            return;
        }

        var model = _options.Filter is { } filter ? await filter.FilterAsync(context, body, _model) : _model;
        if (model is null)
            return;

        if (Interlocked.Increment(ref _inFlight) > (_options.MaxConcurrentRequests ?? int.MaxValue))
        {
            Interlocked.Decrement(ref _inFlight);
            response.Headers.RetryAfter = "1";
            await ChatCompletionWriter.WriteError(response, 429,
                $"The server is busy with {_options.MaxConcurrentRequests} requests; retry shortly.", "requests", code: "rate_limit_exceeded");
            return;
        }
        string id = $"chatcmpl-{Interlocked.Increment(ref _completions)}";
        try
        {
            if (request.Stream)
                await Stream(model, response, id, request, context.RequestAborted);
            else
                await Answer(model, response, id, request, context.RequestAborted);
        }
        catch (InvalidRequestException invalid) when (!response.HasStarted)
        {
            // Only the model knows some limits (its context length, its prompt format).
            await ChatCompletionWriter.WriteError(response, 400, invalid.Message, "invalid_request_error", invalid.Param);
            return;
        }
        catch (NotSupportedException cannot) when (!response.HasStarted)
        {
            // The model cannot serve this request (the oracle meeting an item it cannot read):
            // a client error, so the caller records it instead of retrying.
            await ChatCompletionWriter.WriteError(response, 400, cannot.Message, "invalid_request_error", code: "model_cannot_answer");
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// POST /v1/completions, as vLLM answers it: each prompt continued as raw text (no chat
    /// template), with the prompt echoed and token log-probabilities where asked, so evaluation
    /// harnesses (lm-evaluation-harness's local-completions) score continuations.
    /// </summary>
    private async Task CompleteText(HttpContext context)
    {
        var response = context.Response;
        if (!await Authorized(context))
            return;
        if (_options.Completions is not { } completions)
        {
            await ChatCompletionWriter.WriteError(response, 404, "this endpoint serves chat completions only (POST /v1/chat/completions)", "invalid_request_error");
            return;
        }
        if (await Body(context) is not { } body || await Parsed(response, body, CompletionRequest.Parse) is not { } request)
            return;
        if (!_options.Models.Contains(request.Model))
        {
            await ChatCompletionWriter.WriteError(response, 404, $"The model `{request.Model}` does not exist.", "invalid_request_error", "model", "model_not_found");
            return;
        }
        try
        {
            var choices = new List<TextCompletion>();
            foreach (var prompt in request.Prompts)
                choices.Add(await completions.CompleteAsync(prompt, request, context.RequestAborted));
            await ChatCompletionWriter.WriteTextCompletion(response, $"cmpl-{Interlocked.Increment(ref _completions)}", request.Model, choices);
        }
        catch (InvalidRequestException invalid) when (!response.HasStarted)
        {
            await ChatCompletionWriter.WriteError(response, 400, invalid.Message, "invalid_request_error", invalid.Param);
        }
    }

    /// <summary>The request's body, or null once a 413 is answered for one over the limit.</summary>
    private async Task<byte[]?> Body(HttpContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await ChatCompletionWriter.WriteError(context.Response, 413,
                $"the request body is over the limit of {_options.MaxRequestBytes} bytes", "invalid_request_error");
            return null;
        }
    }

    /// <summary>The body read by <paramref name="parse"/>, or null once a 400 naming the problem is answered.</summary>
    private static async Task<T?> Parsed<T>(HttpResponse response, byte[] body, Func<JsonElement, T> parse) where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return parse(document.RootElement);
        }
        catch (JsonException error)
        {
            await ChatCompletionWriter.WriteError(response, 400, $"the body is not valid JSON: {error.Message}", "invalid_request_error");
        }
        catch (InvalidRequestException error)
        {
            await ChatCompletionWriter.WriteError(response, 400, error.Message, "invalid_request_error", error.Param);
        }
        return null;
    }

    private async Task Answer(IChatClient model, HttpResponse response, string id, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var answer = await model.GetResponseAsync(request.Messages, request.Options, cancellationToken);
        string text = answer.Text;
        var (prompt, completion) = Usage(request, answer, text);
        await ChatCompletionWriter.WriteCompletion(response, id, request.Model, text, answer.FinishReason?.Value ?? "stop", prompt, completion);
    }

    private async Task Stream(IChatClient model, HttpResponse response, string id, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        // The first update is awaited before the headers go out, so a model that refuses the
        // request still gets a proper error status rather than a broken stream.
        await using var updates = model.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        bool more = await updates.MoveNextAsync();
        await BeginStream(response);
        var text = new System.Text.StringBuilder();
        string finish = "stop";
        UsageDetails? usage = null;
        bool first = true;
        for (; more; more = await updates.MoveNextAsync())
        {
            var update = updates.Current;
            if (update.FinishReason is { } reason)
                finish = reason.Value;
            usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
            if (update.Text is { Length: > 0 } || first)
            {
                await ChatCompletionWriter.WriteChunk(response, id, request.Model, first ? "assistant" : null, update.Text, null);
                text.Append(update.Text);
                first = false;
            }
        }
        var counts = Usage(request, new ChatResponse { Usage = usage }, text.ToString());
        await EndStream(response, id, request, finish, counts);
    }

    private static Task BeginStream(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        return response.StartAsync();
    }

    private static async Task EndStream(HttpResponse response, string id, ChatCompletionRequest request, string finish, (long, long) usage)
    {
        await ChatCompletionWriter.WriteChunk(response, id, request.Model, null, null, finish);
        if (request.IncludeUsage)
            await ChatCompletionWriter.WriteChunk(response, id, request.Model, null, null, null, usage);
        await ChatCompletionWriter.WriteDone(response);
    }

    /// <summary>The model's own counts where it gives them, else the tokenizer estimate of what was sent and said.</summary>
    private (long Prompt, long Completion) Usage(ChatCompletionRequest request, ChatResponse answer, string text)
    {
        var estimator = _estimators.GetOrAdd(request.Model, model => new TokenEstimator(model));
        return (answer.Usage?.InputTokenCount ?? estimator.CountPrompt(request.Messages),
                answer.Usage?.OutputTokenCount ?? estimator.Count(text));
    }
}
