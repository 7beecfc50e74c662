using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Lion.Core.Gateway;

/// <summary>
/// A failed call to the remote model, classified once so that the retry and rate-limit layers
/// agree: 408, 429, 5xx, timeouts, dropped connections and unreadable replies are worth
/// retrying; 400, 401, 403 and 404 will fail again and must stop with a clear message.
/// </summary>
public sealed record RemoteFailure(RemoteFailureKind Kind, int? Status, string Message, TimeSpan? RetryAfter)
{
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
        int status = http.Status;
        string detail = ErrorMessage(response?.Content?.ToString()) ?? ((HttpStatusCode)status).ToString();
        var kind = status switch
        {
            408 => RemoteFailureKind.Timeout,
            429 => RemoteFailureKind.RateLimited,
            >= 500 => RemoteFailureKind.ServerError,
            400 or 413 or 422 => RemoteFailureKind.BadRequest,
            401 => RemoteFailureKind.Unauthorized,
            403 => RemoteFailureKind.Forbidden,
            404 => RemoteFailureKind.NotFound,
            _ => RemoteFailureKind.OtherStatus,
        };
        TimeSpan? retryAfter = null;
        if (response is not null)
            retryAfter = ParseRetryAfter(Header(response, "retry-after-ms"), Header(response, "retry-after"));
        return new(kind, status, $"HTTP {status}: {detail}", retryAfter);
    }

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
