using System.Collections.Concurrent;
using Lion.Endpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Testing.Providers;

/// <summary>Keeps every chat request's body and headers as the endpoint received them, and lets the model answer.</summary>
public sealed class RecordingFilter : IChatRequestFilter
{
    public ConcurrentQueue<(ProviderRequestBody Body, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

    public Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue((ProviderRequestBody.Parse(body), headers));
        return Task.FromResult<IChatClient?>(model);
    }
}
