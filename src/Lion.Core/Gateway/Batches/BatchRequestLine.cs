using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// One line of a batch input file: {"custom_id", "method": "POST", "url": "/v1/chat/completions",
/// "body": the chat completion request}. The body holds what a live request sends: the model, the
/// messages, and the options that change the answer.
/// </summary>
public static class BatchRequestLine
{
    public const string Url = "/v1/chat/completions";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="extraBody">Fields merged into the body, as a live request's are.</param>
    public static byte[] Write(string customId, string model, IEnumerable<ChatMessage> messages, ChatOptions? options,
        IReadOnlyDictionary<string, JsonElement>? extraBody = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Compact))
        {
            json.WriteStartObject();
            json.WriteString("custom_id", customId);
            json.WriteString("method", "POST");
            json.WriteString("url", Url);
            json.WriteStartObject("body");
            json.WriteString("model", options?.ModelId ?? model);
            ChatMessagesJson.Write(json, messages);
            if (options?.Temperature is { } temperature) json.WriteNumber("temperature", temperature);
            if (options?.TopP is { } topP) json.WriteNumber("top_p", topP);
            if (options?.MaxOutputTokens is { } maxTokens) json.WriteNumber("max_completion_tokens", maxTokens);
            if (options?.Seed is { } seed) json.WriteNumber("seed", seed);
            if (options?.FrequencyPenalty is { } frequency) json.WriteNumber("frequency_penalty", frequency);
            if (options?.PresencePenalty is { } presence) json.WriteNumber("presence_penalty", presence);
            if (options?.StopSequences is { Count: > 0 } stops)
            {
                json.WriteStartArray("stop");
                foreach (var stop in stops)
                    json.WriteStringValue(stop);
                json.WriteEndArray();
            }
            foreach (var (name, value) in extraBody ?? new Dictionary<string, JsonElement>())
            {
                json.WritePropertyName(name);
                value.WriteTo(json);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
