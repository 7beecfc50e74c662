using System.Globalization;
using System.Security.Cryptography;
using Lion.Endpoint;
using Lion.Core.Gateway;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Testing;

/// <summary>
/// Makes an endpoint misbehave as real providers do by accident, by the <see cref="FaultPlan"/>:
/// HTTP failures (429 with Retry-After, 500, 503, a hang, a dropped connection, malformed JSON)
/// are answered before the model; an empty or cut-off answer comes from a client around the
/// model. Draws are seeded, so a test sees the same faults for the same sequence of requests.
/// It also keeps the <see cref="RequestLog"/>. For the emulated Batch API it expires the batches
/// the plan names and fails a share of their lines.
/// </summary>
public sealed class FaultInjection(FaultPlan plan, Func<int> received) : IChatRequestFilter, IBatchFilter
{
    private readonly RequestRateGate? _rateGate = plan.EnforcedRequestsPerMinute is { } rpm ? new RequestRateGate(rpm, TimeProvider.System) : null;
    private readonly Random _random = new(plan.Seed);
    private readonly Lock _randomGate = new();
    private int _drawn;

    public RequestLog Log { get; } = new(received);

    public async Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model)
    {
        string bodyHash = Convert.ToHexString(SHA256.HashData(body));
        Log.CountBody(bodyHash);
        if (_rateGate is not null && !_rateGate.TryEnter())
        {
            Log.CountOverLimit();
            context.Response.Headers.RetryAfter = "1";
            await Error(context.Response, 429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded");
            return null;
        }

        var (fault, latency) = Draw();
        if (plan.FailRequestsContaining is { } marked && System.Text.Encoding.UTF8.GetString(body).Contains(marked, StringComparison.Ordinal))
            fault = FaultKind.ServerError;
        if (latency > TimeSpan.Zero)
            await Task.Delay(latency, context.RequestAborted);
        if (fault != FaultKind.None)
            Log.CountFault(fault);
        if (fault is not (FaultKind.None or FaultKind.EmptyContent or FaultKind.Truncated))
            return await Fail(context, fault);
        // Answered is what the model answered in full: a paid answer a working cache never asks for again.
        context.Response.OnCompleted(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK && !context.RequestAborted.IsCancellationRequested)
                Log.CountAnswered(bodyHash);
            return Task.CompletedTask;
        });
        return fault == FaultKind.None ? model : new FaultyAnswer(model, fault);
    }

    public bool Expires(int batch) => plan.ExpiredBatches.Contains(batch);

    public bool FailsLine(int batch, string customId, string body)
    {
        if (plan.FailRequestsContaining is { } marked && body.Contains(marked, StringComparison.Ordinal))
            return true;
        if (batch > plan.FailLinesInFirstBatches || plan.FailedBatchLines <= 0)
            return false;
        // Seeded by the line, so the same line fails in the same batch whatever the order of processing.
        var draw = new Random(StableHash($"{plan.Seed}:{batch}:{customId}"));
        return draw.NextDouble() < plan.FailedBatchLines;
    }

    private static int StableHash(string text) => BitConverter.ToInt32(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Answers with the HTTP failure <paramref name="fault"/> stands for.</summary>
    private async Task<IChatClient?> Fail(HttpContext context, FaultKind fault)
    {
        var response = context.Response;
        switch (fault)
        {
            case FaultKind.RateLimited:
                var wait = plan.RetryAfter;
                response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                if (wait.Milliseconds != 0)
                    response.Headers["retry-after-ms"] = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                await Error(response, 429, "Rate limit reached (injected).", "requests", "rate_limit_exceeded");
                break;
            case FaultKind.ServerError:
                await Error(response, 500, "The server had an error (injected).", "server_error");
                break;
            case FaultKind.Unavailable:
                await Error(response, 503, "The engine is overloaded (injected).", "server_error");
                break;
            case FaultKind.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                break;
            case FaultKind.DropConnection:
                context.Abort();
                break;
            case FaultKind.MalformedJson:
                response.ContentType = "application/json";
                await response.WriteAsync("{\"id\": \"chatcmpl-broken\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assis");
                break;
        }
        return null;
    }

    private static Task Error(HttpResponse response, int status, string message, string type, string? code = null) =>
        ChatCompletionWriter.WriteError(response, status, message, type, code: code);

    private (FaultKind Fault, TimeSpan Latency) Draw()
    {
        lock (_randomGate)
        {
            int index = _drawn++;
            var fault = index < plan.Script.Count ? plan.Script[index] : plan.Pick(_random.NextDouble());
            double span = (plan.MaxLatency - plan.MinLatency).TotalMilliseconds;
            var latency = plan.MinLatency + TimeSpan.FromMilliseconds(span > 0 ? _random.NextDouble() * span : 0);
            return (fault, latency);
        }
    }

    /// <summary>The model's answer, emptied or cut in half with finish reason length.</summary>
    private sealed class FaultyAnswer(IChatClient model, FaultKind fault) : WholeReplyChatClient
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var answer = await model.GetResponseAsync(messages, options, cancellationToken);
            string text = fault == FaultKind.Truncated ? answer.Text[..(answer.Text.Length / 2)] : "";
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
            {
                FinishReason = fault == FaultKind.Truncated ? ChatFinishReason.Length : ChatFinishReason.Stop,
                ModelId = answer.ModelId,
            };
        }
    }
}
