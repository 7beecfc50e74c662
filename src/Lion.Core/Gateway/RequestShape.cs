using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lion.Core.Gateway;

/// <summary>
/// What a role adds to every request it sends beyond the chat options: fields merged into the body
/// (<c>extra_body</c>), headers whose values are read from environment variables, and for Azure
/// OpenAI's classic deployment path its <c>api-version</c> and <c>api-key</c> header.
/// </summary>
public sealed record RequestShape
{
    public static readonly RequestShape None = new();

    public IReadOnlyDictionary<string, JsonElement> ExtraBody { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Header name → the environment variable its value is read from.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Set for an Azure deployment URL (…/openai/deployments/NAME): the api-version query every request carries.</summary>
    public string? AzureApiVersion { get; init; }

    /// <summary>Body fields lion sets itself, which extra_body may not replace.</summary>
    public static readonly IReadOnlySet<string> LionOwned = new HashSet<string>(StringComparer.Ordinal)
    {
        "model", "messages", "stream", "stream_options", "n", "temperature", "top_p", "max_tokens", "max_completion_tokens", "seed",
    };

    /// <summary>Headers lion sets itself: the key travels in api_key_env.</summary>
    public static readonly IReadOnlySet<string> ReservedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "api-key", "content-type", "content-length", "host",
    };

    /// <summary>An RFC 9110 token: letters, digits and <c>!#$%&amp;'*+-.^_`|~</c>.</summary>
    public static bool IsHeaderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    public bool IsEmpty => ExtraBody.Count == 0 && Headers.Count == 0 && AzureApiVersion is null;

    /// <summary>The extra body as canonical JSON (fields in order), empty when there is none: part of what the cache keys on.</summary>
    public string CanonicalExtraBody()
    {
        if (ExtraBody.Count == 0)
            return "";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var (name, value) in ExtraBody.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(name);
                value.WriteTo(json);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Each header with the value of its variable now; an unset variable is an error naming it.</summary>
    public IReadOnlyList<(string Name, string Value)> HeaderValues(string role) =>
        Headers.Select(h => (h.Key, Environment.GetEnvironmentVariable(h.Value) is { Length: > 0 } value ? value
            : throw new BadInputException($"{role}.headers.{h.Key}: the environment variable {h.Value} is not set"))).ToList();
}
