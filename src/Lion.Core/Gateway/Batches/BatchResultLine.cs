using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// One line of a batch's output or error file: {"custom_id", "response": {"status_code", "body"},
/// "error"}. A line answers its request when the status is 200 and the body is a chat completion
/// with a message; anything else is a failed line, with the reason, and for a line the provider
/// refused, its classified <see cref="Refusal"/> (a refusal is not worth another batch).
/// </summary>
public sealed record BatchResultLine(string CustomId, ChatResponse? Response, string? Error)
{
    /// <summary>A line refused as a live request would be (a 400 about the item or a parameter, no credit): never asked again.</summary>
    public RemoteFailure? Refusal { get; init; }

    /// <summary>The line read, or null when it is not JSON or has no custom id (nothing can be matched to it).</summary>
    public static BatchResultLine? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("custom_id", out var id) || id.ValueKind != JsonValueKind.String)
                return null;
            string customId = id.GetString()!;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                return new(customId, null, Message(error) ?? "the line failed");
            if (!root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
                return new(customId, null, "the line has no response");
            int status = response.TryGetProperty("status_code", out var code) && code.TryGetInt32(out int value) ? value : 0;
            if (!response.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
                return new(customId, null, $"HTTP {status}: the response has no body");
            if (status != 200)
            {
                var failure = RemoteFailure.FromStatus(status, body.GetRawText(), null);
                return new(customId, null, $"HTTP {status}: {(body.TryGetProperty("error", out var bodyError) ? Message(bodyError) : null) ?? "failed"}")
                {
                    Refusal = failure.IsRetryable ? null : failure,
                };
            }
            return Completion(customId, body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BatchResultLine Completion(string customId, JsonElement body)
    {
        if (!body.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
            || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            return new(customId, null, "the response body has no message");
        string text = message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString()! : "";
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = body.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null,
            FinishReason = choices[0].TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String
                ? new ChatFinishReason(finish.GetString()!) : null,
        };
        if (body.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            response.Usage = new UsageDetails
            {
                InputTokenCount = usage.TryGetProperty("prompt_tokens", out var input) && input.TryGetInt64(out long i) ? i : null,
                OutputTokenCount = usage.TryGetProperty("completion_tokens", out var output) && output.TryGetInt64(out long o) ? o : null,
            };
        return new(customId, response, null);
    }

    private static string? Message(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
            ? message.GetString() : null;
}
