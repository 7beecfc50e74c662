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
