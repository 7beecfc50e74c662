using System.Text.Json;

namespace Lion.Core.Gateway;

/// <summary>
/// The error body of a refused request, in the shapes providers document: OpenAI's and Azure's
/// <c>{"error": {"message", "type", "param", "code", "innererror"}}</c> (Azure's content filter
/// names itself in <c>code</c> or <c>innererror.code</c>), vLLM's older top-level
/// <c>{"object": "error", "message", …}</c>, and llama.cpp's context error with
/// <c>n_prompt_tokens</c> and <c>n_ctx</c>. Any field may be missing or of another type.
/// </summary>
public sealed record ProviderError(string Message, string? Type, string? Code, string? Param, string? InnerCode)
{
    /// <summary>llama.cpp: the prompt's tokens and the context size, when it reports them.</summary>
    public int? PromptTokens { get; init; }
    public int? ContextSize { get; init; }

    /// <summary>The body read as one of the documented shapes, or null when it is none of them.</summary>
    public static ProviderError? Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var error = root.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : root;
            if (Text(error, "message") is not { } message)
                return null;
            string? innerCode = error.TryGetProperty("innererror", out var innerError) && innerError.ValueKind == JsonValueKind.Object
                ? Text(innerError, "code") : null;
            return new ProviderError(Bounded(message), Text(error, "type"), Text(error, "code"), Text(error, "param"), innerCode)
            {
                PromptTokens = Whole(error, "n_prompt_tokens"),
                ContextSize = Whole(error, "n_ctx"),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The longest provider message kept: it is shown in one line and stored with every failure.</summary>
    public const int MaxMessage = 2000;

    private static string Bounded(string message) =>
        message.Length <= MaxMessage ? message : message[..MaxMessage] + $"… ({message.Length - MaxMessage} more characters)";

    /// <summary>A string field as text; a number (vLLM puts the status in <c>code</c>) as its digits.</summary>
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static int? Whole(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : null;
}
