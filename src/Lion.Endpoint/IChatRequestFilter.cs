using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Endpoint;

/// <summary>
/// Sees each authorised, well-formed chat request before the model does: it may answer the
/// request itself, or hand the endpoint the client to answer with. Fault injection for tests
/// and benchmarks stands here, outside the endpoint.
/// </summary>
public interface IChatRequestFilter
{
    /// <summary>The client that answers this request (<paramref name="model"/>, or one around it); null when the filter has answered.</summary>
    Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model);
}
