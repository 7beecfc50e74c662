using Lion.Endpoint;
using Microsoft.Extensions.AI;

namespace Lion.Testing;

/// <summary>
/// The project's OpenAI-compatible endpoint on a free loopback port, serving a model with the
/// faults a test or benchmark asks for, and what it received.
/// </summary>
public sealed class TestEndpoint : IAsyncDisposable
{
    private TestEndpoint(ChatServer server, FaultInjection faults)
    {
        Server = server;
        Log = faults.Log;
    }

    public ChatServer Server { get; }

    public RequestLog Log { get; }

    /// <summary>The base URL clients use, ending in /v1/.</summary>
    public Uri BaseUrl => Server.BaseUrl;

    public static async Task<TestEndpoint> StartAsync(IChatClient model, ChatServerOptions options, FaultPlan? faults = null,
        CancellationToken cancellationToken = default)
    {
        ChatServer? server = null;
        var injection = new FaultInjection(faults ?? FaultPlan.None, () => server?.Received ?? 0);
        server = await ChatServer.StartAsync(model, options with { Filter = injection }, cancellationToken);
        return new TestEndpoint(server, injection);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
