using System.Text.Json;

namespace Lion.Testing.Providers;

/// <summary>What a provider double reads of a chat request body: its sampling parameters and its messages' text.</summary>
public sealed record ProviderRequestBody(JsonElement Root)
{
    public static ProviderRequestBody Parse(byte[] body) => new(JsonDocument.Parse(body).RootElement.Clone());

    public bool Has(string field) => Root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public double? Number(string field) =>
        Root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>The output tokens asked for, under either name.</summary>
    public int? MaxTokens => (int?)(Number("max_completion_tokens") ?? Number("max_tokens"));

    /// <summary>Every message's text, joined.</summary>
    public string Text => string.Join("\n", Root.GetProperty("messages").EnumerateArray()
        .Select(m => m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : ""));
}
