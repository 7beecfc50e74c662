using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
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

namespace Lion.Cli.Endpoint;

/// <summary>
/// An OpenAI-compatible HTTP endpoint (POST /v1/chat/completions, streaming or not; GET
/// /v1/models; GET /health) in front of any <see cref="IChatClient"/>: the oracle, a student,
/// or a test model. It can misbehave on purpose (<see cref="FaultPlan"/>) and counts what it
/// received (<see cref="RequestLog"/>), so clients are tested against real HTTP failures.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IChatClient _model;
    private readonly ChatServerOptions _options;
    private readonly BearerKey? _key;
    private readonly RequestRateGate? _rateGate;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly ConcurrentDictionary<string, TokenEstimator> _estimators = new();
    private long _completions;
    private int _inFlight;
    private int _drawn;

    private ChatServer(WebApplication app, IChatClient model, ChatServerOptions options)
    {
        _app = app;
        _model = model;
        _options = options;
        _key = options.ApiKey is { Length: > 0 } key ? new BearerKey(key) : null;
        _rateGate = options.Faults.EnforcedRequestsPerMinute is { } rpm ? new RequestRateGate(rpm, TimeProvider.System) : null;
        _random = new Random(options.Faults.Seed);
    }

    /// <summary>The base URL clients use, ending in /v1/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public RequestLog Log { get; } = new();

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
            data = _options.Models.Select(id => new { id, @object = "model", created = 0, owned_by = "lion" }),
        });
    }

    private async Task Complete(HttpContext context)
    {
        var response = context.Response;
        Log.CountReceived();
        // The key first: a request without it never gets its body read, so unauthenticated
        // traffic costs no memory however large the bodies it announces.
        if (!await Authorized(context))
            return;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await ChatCompletionWriter.WriteError(response, 413,
                $"the request body is over the limit of {_options.MaxRequestBytes} bytes", "invalid_request_error");
            return;
        }

        string bodyHash = Convert.ToHexString(SHA256.HashData(body));
        Log.CountBody(bodyHash);
        if (_rateGate is not null && !_rateGate.TryEnter())
        {
            Log.CountOverLimit();
            response.Headers.RetryAfter = "1";
            await ChatCompletionWriter.WriteError(response, 429, "Rate limit reached for requests.", "requests", code: "rate_limit_exceeded");
            return;
        }

        ChatCompletionRequest request;
        try
        {
            using var document = JsonDocument.Parse(body);
            request = ChatCompletionRequest.Parse(document.RootElement);
        }
        catch (JsonException error)
        {
            await ChatCompletionWriter.WriteError(response, 400, $"the body is not valid JSON: {error.Message}", "invalid_request_error");
            return;
        }
        catch (InvalidRequestException error)
        {
            await ChatCompletionWriter.WriteError(response, 400, error.Message, "invalid_request_error", error.Param);
            return;
        }
        if (!_options.Models.Contains(request.Model))
        {
            await ChatCompletionWriter.WriteError(response, 404, $"The model `{request.Model}` does not exist.",
                "invalid_request_error", "model", "model_not_found");
            return;
        }

        var (fault, latency) = Draw();
        if (_options.Faults.FailRequestsContaining is { } marked && System.Text.Encoding.UTF8.GetString(body).Contains(marked, StringComparison.Ordinal))
            fault = FaultKind.ServerError;
        if (latency > TimeSpan.Zero)
            await Task.Delay(latency, context.RequestAborted);
        if (fault != FaultKind.None)
            Log.CountFault(fault);
        if (await InjectFailure(context, fault))
            return;

        if (Interlocked.Increment(ref _inFlight) > (_options.MaxConcurrentRequests ?? int.MaxValue))
        {
            Interlocked.Decrement(ref _inFlight);
            Log.CountOverLimit();
            response.Headers.RetryAfter = "1";
            await ChatCompletionWriter.WriteError(response, 429,
                $"The server is busy with {_options.MaxConcurrentRequests} requests; retry shortly.", "requests", code: "rate_limit_exceeded");
            return;
        }
        string id = $"chatcmpl-{Interlocked.Increment(ref _completions)}";
        try
        {
            if (request.Stream && fault == FaultKind.None)
                await Stream(response, id, request, context.RequestAborted);
            else
                await Answer(response, id, request, fault, context.RequestAborted);
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
        Log.CountAnswered(bodyHash);
    }

    /// <summary>Answers with the failure <paramref name="fault"/> stands for; false when it is not a failure.</summary>
    private async Task<bool> InjectFailure(HttpContext context, FaultKind fault)
    {
        var response = context.Response;
        switch (fault)
        {
            case FaultKind.RateLimited:
                var wait = _options.Faults.RetryAfter;
                response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (wait.Milliseconds != 0)
                    response.Headers["retry-after-ms"] = ((long)wait.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ChatCompletionWriter.WriteError(response, 429, "Rate limit reached (injected).", "requests", code: "rate_limit_exceeded");
                return true;
            case FaultKind.ServerError:
                await ChatCompletionWriter.WriteError(response, 500, "The server had an error (injected).", "server_error");
                return true;
            case FaultKind.Unavailable:
                await ChatCompletionWriter.WriteError(response, 503, "The engine is overloaded (injected).", "server_error");
                return true;
            case FaultKind.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return true;
            case FaultKind.DropConnection:
                context.Abort();
                return true;
            case FaultKind.MalformedJson:
                response.ContentType = "application/json";
                await response.WriteAsync("{\"id\": \"chatcmpl-broken\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assis");
                return true;
            default:
                return false;
        }
    }

    private async Task Answer(HttpResponse response, string id, ChatCompletionRequest request, FaultKind fault, CancellationToken cancellationToken)
    {
        var answer = await _model.GetResponseAsync(request.Messages, request.Options, cancellationToken);
        string text = answer.Text;
        string finish = answer.FinishReason?.Value ?? "stop";
        if (fault == FaultKind.EmptyContent)
            (text, finish) = ("", "stop");
        else if (fault == FaultKind.Truncated)
            (text, finish) = (text[..(text.Length / 2)], "length");

        var (prompt, completion) = Usage(request, answer, text);
        if (request.Stream)
        {
            await BeginStream(response);
            await ChatCompletionWriter.WriteChunk(response, id, request.Model, "assistant", text, null);
            await EndStream(response, id, request, finish, (prompt, completion));
        }
        else
        {
            await ChatCompletionWriter.WriteCompletion(response, id, request.Model, text, finish, prompt, completion);
        }
    }

    private async Task Stream(HttpResponse response, string id, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        // The first update is awaited before the headers go out, so a model that refuses the
        // request still gets a proper error status rather than a broken stream.
        await using var updates = _model.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken)
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

    private (FaultKind Fault, TimeSpan Latency) Draw()
    {
        var faults = _options.Faults;
        lock (_randomGate)
        {
            int index = _drawn++;
            var fault = index < faults.Script.Count ? faults.Script[index] : faults.Pick(_random.NextDouble());
            double span = (faults.MaxLatency - faults.MinLatency).TotalMilliseconds;
            var latency = faults.MinLatency + TimeSpan.FromMilliseconds(span > 0 ? _random.NextDouble() * span : 0);
            return (fault, latency);
        }
    }
}
