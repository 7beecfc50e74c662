using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;

namespace Lion.Core.Gateway;

/// <summary>
/// Shapes each HTTP request of a role's client as its <see cref="RequestShape"/> says, just before
/// it is sent (after the SDK's own key header): extra body fields merged over a JSON body, the
/// configured headers, and for an Azure deployment the api-version query and the key in
/// <c>api-key</c> instead of a bearer token. Multipart uploads (batch files) pass untouched.
/// </summary>
public sealed class ProviderRequestPolicy(RequestShape shape, IReadOnlyList<(string Name, string Value)> headers, string? azureKey)
    : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Shape(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Shape(message);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }

    private void Shape(PipelineMessage message)
    {
        var request = message.Request;
        foreach (var (name, value) in headers)
            request.Headers.Set(name, value);
        if (shape.AzureApiVersion is { } version && request.Uri is { } uri)
        {
            string separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            request.Uri = new Uri(uri + separator + "api-version=" + Uri.EscapeDataString(version));
            request.Headers.Remove("Authorization");
            if (azureKey is not null)
                request.Headers.Set("api-key", azureKey);
        }
        if (shape.ExtraBody.Count > 0 && request.Content is { } content && IsJson(request))
            request.Content = BinaryContent.Create(BinaryData.FromString(Merge(content)));
    }

    private static bool IsJson(PipelineRequest request) =>
        request.Headers.TryGetValue("Content-Type", out var type) && type?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;

    private string Merge(BinaryContent content)
    {
        using var buffer = new MemoryStream();
        content.WriteTo(buffer);
        var body = JsonNode.Parse(buffer.ToArray())?.AsObject() ?? new JsonObject();
        foreach (var (name, value) in shape.ExtraBody)
            body[name] = JsonNode.Parse(value.GetRawText());
        return body.ToJsonString();
    }
}
