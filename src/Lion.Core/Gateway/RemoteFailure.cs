using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Lion.Core.Gateway;

/// <summary>
/// A failed call to the remote model, classified once so that the retry and rate-limit layers
/// agree: 408, 429, 5xx (529 "overloaded" too), timeouts, dropped connections and unreadable
/// replies are worth retrying; a refusal (400, 401, 402, 403, 404, 422, and a 429 that says the
/// quota is spent) will fail again and is told apart by what the provider's error body says: the
/// item's own (its messages, its content, its length), or the configuration's (a parameter the
/// model does not take), or the account's (no credit).
/// </summary>
public sealed partial record RemoteFailure(RemoteFailureKind Kind, int? Status, string Message, TimeSpan? RetryAfter)
{
    /// <summary>The request parameter the provider named (<c>error.param</c>), if any.</summary>
    public string? Param { get; init; }

    /// <summary>What a context-length refusal said of the context and the prompt.</summary>
    public ContextOverflow? Overflow { get; init; }

    /// <summary>The provider's own words, without the status prefix of <see cref="Message"/>.</summary>
    public string ProviderMessage { get; init; } = "";

    public bool IsRetryable => Kind is RemoteFailureKind.RateLimited or RemoteFailureKind.ServerError
        or RemoteFailureKind.Timeout or RemoteFailureKind.ConnectionLost or RemoteFailureKind.MalformedReply;

    /// <summary>
    /// Classifies <paramref name="error"/>, or returns null when it is not a remote failure (a
    /// bug, or the caller's own cancellation, which must propagate as it is).
    /// </summary>
    public static RemoteFailure? From(Exception error, CancellationToken callerToken)
    {
        switch (error)
        {
            case OperationCanceledException when callerToken.IsCancellationRequested:
                return null;
            case OperationCanceledException or TimeoutException:
                return new(RemoteFailureKind.Timeout, null, "the request timed out", null);
            case ClientResultException { Status: 0 } transport:
                return new(RemoteFailureKind.ConnectionLost, null,
                    $"the connection failed ({transport.InnerException?.Message ?? transport.Message})", null);
            case ClientResultException http:
                return FromStatus(http);
            case NotSupportedException cannot:
                // An in-process model that cannot serve this request (the oracle meeting an item
                // it cannot read): what an endpoint answers with a 400.
                return new(RemoteFailureKind.BadRequest, null, $"the model cannot answer: {cannot.Message}", null);
            case HttpRequestException or IOException:
                return new(RemoteFailureKind.ConnectionLost, null, $"the connection failed ({error.Message})", null);
            case JsonException:
            case ArgumentException or InvalidOperationException or KeyNotFoundException or NullReferenceException
                when ThrownWhileReadingReply(error):
                return new(RemoteFailureKind.MalformedReply, null, $"the reply could not be read ({error.Message})", null);
            default:
                return null;
        }
    }

    /// <summary>
    /// The OpenAI SDK reads a well-formed JSON body missing "choices" by indexing into an empty
    /// list; such errors, thrown from inside the SDK, are unreadable replies, not our bugs.
    /// </summary>
    private static bool ThrownWhileReadingReply(Exception error) =>
        error.StackTrace?.Contains(" OpenAI.", StringComparison.Ordinal) == true
        || error.StackTrace?.Contains("Microsoft.Extensions.AI.OpenAI", StringComparison.Ordinal) == true;

    private static RemoteFailure FromStatus(ClientResultException http)
    {
        var response = http.GetRawResponse();
        string? body = null;
        try
        {
            body = response?.Content?.ToString();
        }
        catch (InvalidOperationException)
        {
            // A streamed body that was never buffered: the status alone says what happened.
        }
        return FromStatus(http.Status, body,
            response is null ? null : ParseRetryAfter(Header(response, "retry-after-ms"), Header(response, "retry-after")));
    }

    /// <summary>A refused HTTP request, classified by its status and, where the provider gives one, its error body.</summary>
    public static RemoteFailure FromStatus(int status, string? body, TimeSpan? retryAfter)
    {
        var error = ProviderError.Parse(body);
        string detail = error?.Message ?? ErrorMessage(body) ?? ((HttpStatusCode)status).ToString();
        var overflow = error is null ? null : ContextOverflow.From(error);
        var kind = status switch
        {
            _ when error is not null && IsQuota(status, error) => RemoteFailureKind.QuotaExhausted,
            402 => RemoteFailureKind.QuotaExhausted,
            408 => RemoteFailureKind.Timeout,
            429 => RemoteFailureKind.RateLimited,
            >= 500 => RemoteFailureKind.ServerError,
            400 or 413 or 422 when error is not null && IsContentFilter(error) => RemoteFailureKind.ContentFiltered,
            400 or 413 or 422 when overflow is not null => RemoteFailureKind.ContextExceeded,
            400 or 422 when error is not null && IsConfigs(error) => RemoteFailureKind.ConfigRejected,
            400 or 413 or 422 => RemoteFailureKind.BadRequest,
            401 => RemoteFailureKind.Unauthorized,
            403 => RemoteFailureKind.Forbidden,
            404 => RemoteFailureKind.NotFound,
            _ => RemoteFailureKind.OtherStatus,
        };
        return new(kind, status, $"HTTP {status}: {detail}", retryAfter)
        {
            Param = error?.Param is { Length: > 0 } named ? named : error is null ? null : ParameterNamedIn(error.Message),
            Overflow = kind == RemoteFailureKind.ContextExceeded ? overflow : null,
            ProviderMessage = detail,
        };
    }

    /// <summary>Codes that say a parameter, not the item, is what the model refuses.</summary>
    private static readonly HashSet<string> ParameterCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "unsupported_parameter", "unsupported_value", "unknown_parameter", "invalid_parameter", "model_not_found",
    };

    /// <summary>
    /// A refusal of the request's own parameters: a code that says so, or a parameter named that is
    /// not the messages (those are the item's).
    /// </summary>
    private static bool IsConfigs(ProviderError error) =>
        error.Code is { } code && ParameterCodes.Contains(code)
        || (error.Param is { Length: > 0 } param ? !IsItemsParameter(param) : ParameterNamedIn(error.Message) is not null);

    /// <summary>
    /// A sampling parameter a message names when the body has no <c>param</c> (vLLM's "temperature
    /// must be …", Anthropic-style "max_tokens: 100000 > 64000 …"): provider messages describe the
    /// request, they do not quote the prompt.
    /// </summary>
    private static string? ParameterNamedIn(string message) =>
        SamplingParameter().Match(message) is { Success: true } match ? match.Groups[1].Value : null;

    [System.Text.RegularExpressions.GeneratedRegex(
        @"(?<![\w.])'?(temperature|top_p|top_k|min_p|max_tokens|max_completion_tokens|max_output_tokens|seed|reasoning_effort|frequency_penalty|presence_penalty|repetition_penalty|logprobs|top_logprobs)'?(?![\w.])")]
    private static partial System.Text.RegularExpressions.Regex SamplingParameter();

    private static bool IsItemsParameter(string param) =>
        param.StartsWith("messages", StringComparison.Ordinal) || param.StartsWith("prompt", StringComparison.Ordinal)
        || param.StartsWith("input", StringComparison.Ordinal) || param.StartsWith("content", StringComparison.Ordinal);

    private static bool IsContentFilter(ProviderError error) =>
        error.Code is "content_filter" or "content_policy_violation" || error.InnerCode is "ResponsibleAIPolicyViolation";

    /// <summary>
    /// No credit: OpenAI's 429 insufficient_quota (a rate limit has code rate_limit_exceeded), or a
    /// refusal that speaks of billing or a credit balance (Anthropic's "credit balance is too low",
    /// DeepSeek's 402 "Insufficient Balance").
    /// </summary>
    private static bool IsQuota(int status, ProviderError error) =>
        error.Code is "insufficient_quota" or "billing_hard_limit_reached" or "billing_not_active"
        || error.Type is "insufficient_quota"
        || status is 400 or 402 or 403 && QuotaWords.Any(w => error.Message.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] QuotaWords = ["credit balance", "insufficient balance", "billing", "exceeded your current quota"];

    private static string? Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// retry-after-ms (OpenAI, Azure) is the more precise and wins; Retry-After is seconds or
    /// an HTTP date (RFC 9110).
    /// </summary>
    public static TimeSpan? ParseRetryAfter(string? milliseconds, string? retryAfter)
    {
        if (double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0)
            return TimeSpan.FromMilliseconds(ms);
        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>The "error.message" of an OpenAI-style error body, if the body is one.</summary>
    private static string? ErrorMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var errorObject)
                && errorObject.ValueKind == JsonValueKind.Object
                && errorObject.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
                return message.GetString();
        }
        catch (JsonException)
        {
        }
        return body.Length > 200 ? body[..200] + "…" : body;
    }
}
