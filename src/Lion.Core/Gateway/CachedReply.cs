using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// A paid answer as the request cache keeps it. Truncated (finish reason "length") and empty
/// answers are kept too, so they are never paid for twice, and are flagged by
/// <see cref="Incompleteness"/> so that no caller mistakes them for a normal answer.
/// </summary>
public sealed record CachedReply(string Text, string? FinishReason, string? ModelId, long? InputTokens, long? OutputTokens)
{
    /// <summary>Set in <see cref="ChatResponse.AdditionalProperties"/>: true when served from the cache.</summary>
    public const string CachedProperty = "lion.cached";

    /// <summary>Set in <see cref="ChatResponse.AdditionalProperties"/> when the answer is not a complete one.</summary>
    public const string IncompleteProperty = "lion.incomplete";

    /// <summary>"length" for a truncated answer, "empty" for one without text, null for a complete one.</summary>
    public string? Incompleteness =>
        FinishReason == ChatFinishReason.Length.Value ? "length"
        : string.IsNullOrWhiteSpace(Text) ? "empty"
        : null;

    public static CachedReply From(ChatResponse response) => new(
        response.Text, response.FinishReason?.Value, response.ModelId,
        response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount);

    public ChatResponse ToResponse(bool cached)
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, Text))
        {
            FinishReason = FinishReason is null ? null : new ChatFinishReason(FinishReason),
            ModelId = ModelId,
            Usage = new UsageDetails { InputTokenCount = InputTokens, OutputTokenCount = OutputTokens },
            AdditionalProperties = new AdditionalPropertiesDictionary { [CachedProperty] = cached },
        };
        if (Incompleteness is { } reason)
            response.AdditionalProperties[IncompleteProperty] = reason;
        return response;
    }
}
