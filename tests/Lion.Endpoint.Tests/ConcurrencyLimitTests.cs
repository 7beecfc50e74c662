using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Testing;
using Microsoft.Extensions.AI;

namespace Lion.Endpoint.Tests;

/// <summary>The endpoint's limit on requests answered at once, with answers that end only when the test lets them.</summary>
public sealed class ConcurrencyLimitTests : IAsyncLifetime
{
    private readonly HeldChatClient _model = new();
    private TestEndpoint _server = null!;
    // A request let through by mistake waits on the held model: it fails at this timeout rather than hanging.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync() =>
        _server = await TestEndpoint.StartAsync(_model, new ChatServerOptions { Models = ["held"], MaxConcurrentRequests = 2 });

    public async Task DisposeAsync()
    {
        _model.Release();
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> Post(string question, bool stream) =>
        _http.PostAsync(new Uri(_server.BaseUrl, "chat/completions"), new StringContent(JsonSerializer.Serialize(new
        {
            model = "held", messages = new[] { new { role = "user", content = question } }, stream,
        }), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_request_beyond_the_limit_gets_a_429_with_retry_after()
    {
        var first = Post("one", stream: true);
        var second = Post("two", stream: false);
        await _model.Holding(2);

        using var third = await Post("three", stream: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Contains("rate_limit_exceeded", await third.Content.ReadAsStringAsync());
        _model.Release();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
    }

    [Fact]
    public async Task A_place_freed_by_an_ended_answer_is_taken_by_the_next_request()
    {
        var first = Post("one", stream: true);
        var second = Post("two", stream: true);
        await _model.Holding(2);
        _model.Release();
        (await first).Dispose();
        (await second).Dispose();

        using var third = await Post("three", stream: false);

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Contains("echo: three", await third.Content.ReadAsStringAsync());
    }

    /// <summary>The echo model, whose answers wait until released; it counts the requests it holds.</summary>
    private sealed class HeldChatClient : IChatClient
    {
        private readonly EchoChatClient _echo = new();
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _arrived = new(0);

        public void Release() => _released.TrySetResult();

        /// <summary>Completes once this many requests have reached the model.</summary>
        public async Task Holding(int requests)
        {
            for (int i = 0; i < requests; i++)
                Assert.True(await _arrived.WaitAsync(TimeSpan.FromSeconds(30)), $"only {i} of {requests} requests reached the model");
        }

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            _arrived.Release();
            await _released.Task.WaitAsync(cancellationToken);
            return await _echo.GetResponseAsync(messages, options, cancellationToken);
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
            ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            _arrived.Release();
            await _released.Task.WaitAsync(cancellationToken);
            await foreach (var update in _echo.GetStreamingResponseAsync(messages, options, cancellationToken))
                yield return update;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() => _arrived.Dispose();
    }
}
