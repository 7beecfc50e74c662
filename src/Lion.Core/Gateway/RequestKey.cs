using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// The identity of a request for the cache: the endpoint that answers it, the model, every
/// message (role and text) and every option that changes the answer, written as canonical JSON
/// and hashed with SHA-256. The canonical JSON is stored beside the answer so a cache entry can
/// be read by a person. Without an endpoint the key is the one older stores used.
/// </summary>
public static class RequestKey
{
    private static readonly JsonWriterOptions Canonical = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (string Key, string RequestJson) Of(string model, IEnumerable<ChatMessage> messages, ChatOptions? options, string? endpoint = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Canonical))
        {
            json.WriteStartObject();
            if (endpoint is not null)
                json.WriteString("endpoint", endpoint);
            json.WriteString("model", options?.ModelId ?? model);
            ChatMessagesJson.Write(json, messages);
            if (options is not null)
                WriteOptions(json, options);
            json.WriteEndObject();
        }
        byte[] bytes = buffer.ToArray();
        return (Convert.ToHexStringLower(SHA256.HashData(bytes)), Encoding.UTF8.GetString(bytes));
    }

    private static void WriteOptions(Utf8JsonWriter json, ChatOptions options)
    {
        // Fixed order, absent options left out: equal requests give equal bytes.
        if (options.Temperature is { } temperature) json.WriteNumber("temperature", temperature);
        if (options.TopP is { } topP) json.WriteNumber("top_p", topP);
        if (options.TopK is { } topK) json.WriteNumber("top_k", topK);
        if (options.MaxOutputTokens is { } maxTokens) json.WriteNumber("max_tokens", maxTokens);
        if (options.Seed is { } seed) json.WriteNumber("seed", seed);
        if (options.FrequencyPenalty is { } frequency) json.WriteNumber("frequency_penalty", frequency);
        if (options.PresencePenalty is { } presence) json.WriteNumber("presence_penalty", presence);
        if (options.StopSequences is { Count: > 0 } stops)
        {
            json.WriteStartArray("stop");
            foreach (var stop in stops)
                json.WriteStringValue(stop);
            json.WriteEndArray();
        }
        if (options.ResponseFormat is ChatResponseFormatJson) json.WriteString("response_format", "json");
    }
}
