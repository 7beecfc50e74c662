using System.Net.Http.Headers;
using System.Text.Json;

namespace Lion.Core.Gateway;

/// <summary>
/// The models an OpenAI-compatible endpoint serves (GET /v1/models): how a command finds the one
/// model of a server it did not name, and how lion knows a server it started is ready.
/// </summary>
public static class EndpointModels
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The model ids, in the server's order; an unreachable server or an unreadable reply throws.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(Uri baseUrl, string? apiKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl.ToString().TrimEnd('/') + "/models"));
        if (!string.IsNullOrEmpty(apiKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await Http.SendAsync(request, deadline.Token);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
        return document.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>
    /// The context length the endpoint reports for <paramref name="model"/> in GET /v1/models
    /// (vLLM's and lion's <c>max_model_len</c>, or a <c>context_length</c> field), or null when it
    /// reports none, is an Azure deployment (no such listing) or cannot be asked: it is a hint,
    /// never a reason to fail.
    /// </summary>
    public static async Task<int?> ContextLengthAsync(EndpointSettings endpoint, string model, string role, CancellationToken cancellationToken)
    {
        if (endpoint.Shape.AzureApiVersion is not null)
            return null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.BaseUrl.ToString().TrimEnd('/') + "/models"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OpenAiEndpoint.Key(endpoint));
            foreach (var (name, value) in endpoint.Shape.HeaderValues(role))
                request.Headers.TryAddWithoutValidation(name, value);
            using var response = await Http.SendAsync(request, deadline.Token);
            if (!response.IsSuccessStatusCode)
                return null;
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                return null;
            foreach (var entry in data.EnumerateArray())
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == model)
                    foreach (string field in new[] { "max_model_len", "context_length" })
                        if (entry.TryGetProperty(field, out var length) && length.ValueKind == JsonValueKind.Number && length.TryGetInt32(out int tokens) && tokens > 0)
                            return tokens;
            return null;
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or OperationCanceledException or InvalidOperationException
                                      && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The endpoint's only model; none or several is a <see cref="BadInputException"/> that lists what there is.</summary>
    public static async Task<string> OnlyAsync(Uri baseUrl, string? apiKey, string option, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> models;
        try
        {
            models = await ListAsync(baseUrl, apiKey, TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
                                      or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new BadInputException($"{baseUrl}: could not list the endpoint's models (GET /v1/models: {error.Message}); name the model with {option}");
        }
        return models switch
        {
            [var only] => only,
            [] => throw new BadInputException($"{baseUrl}: the endpoint serves no model (GET /v1/models); name one with {option}"),
            _ => throw new BadInputException($"{baseUrl}: the endpoint serves several models ({string.Join(", ", models)}); choose one with {option}"),
        };
    }
}
