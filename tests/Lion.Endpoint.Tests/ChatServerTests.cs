using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Lion.Endpoint.Tests;

public sealed class ChatServerTests : IAsyncLifetime
{
    private TestEndpoint _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() =>
        _server = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["echo"], ApiKey = "sk-right" });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private ChatClient OpenAiClient(string key = "sk-right") =>
        new("echo", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = _server.BaseUrl, RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

    [Fact]
    public void It_listens_on_loopback_on_a_free_port()
    {
        Assert.Equal("127.0.0.1", _server.BaseUrl.Host);
        Assert.NotEqual(0, _server.BaseUrl.Port);
    }

    [Fact]
    public async Task The_official_client_completes_a_chat()
    {
        var completion = (await OpenAiClient().CompleteChatAsync([new UserChatMessage("hello there")])).Value;

        Assert.Equal("echo: hello there", completion.Content[0].Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_official_client_streams_a_chat_with_usage()
    {
        var text = new StringBuilder();
        OpenAI.Chat.ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in OpenAiClient().CompleteChatStreamingAsync([new UserChatMessage("one two three")],
                           new ChatCompletionOptions { MaxOutputTokenCount = 3 }))
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("echo: one two", text.ToString());
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
    }

    [Fact]
    public async Task Models_are_listed()
    {
        using var request = Authorized(HttpMethod.Get, "models");
        using var response = await _http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("echo", body.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_401()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => OpenAiClient("sk-wrong").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("""{"model": "echo"}""", "messages")]
    [InlineData("""{"model": "echo", "messages": []}""", "messages")]
    [InlineData("""{"model": "echo", "messages": [{"role": "wizard", "content": "hi"}]}""", "messages[0].role")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "temperature": 3}""", "temperature")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}""", "max_tokens")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "stop": 5}""", "stop")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "n": 2}""", "n")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "n": "1"}""", "n")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "seed": "7"}""", "seed")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": "hi"}], "seed": 1.5}""", "seed")]
    [InlineData("""{"model": "echo", "messages": [{"role": "user", "content": [{"type": 5, "text": "hi"}]}]}""", "messages[0].content")]
    public async Task A_malformed_request_is_a_400_that_names_the_parameter(string body, string? param)
    {
        using var response = await Post(body);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var details = error.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(details.GetProperty("message").GetString()));
        Assert.Equal(param, details.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_request_without_the_key_is_refused_before_its_body_is_read()
    {
        // Only the headers are sent, announcing a body of 4 MB: a server that read bodies before
        // checking keys would wait for it, and keep it in memory for every such request.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_server.BaseUrl.Host, _server.BaseUrl.Port);
        var stream = client.GetStream();
        byte[] headers = Encoding.ASCII.GetBytes(
            $"POST {_server.BaseUrl.AbsolutePath}chat/completions HTTP/1.1\r\nHost: {_server.BaseUrl.Authority}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 4000000\r\n\r\n");
        await stream.WriteAsync(headers);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        string? statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("HTTP/1.1 401 Unauthorized", statusLine);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404()
    {
        using var response = await Post("""{"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413()
    {
        await using var small = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["echo"], MaxRequestBytes = 1024 });
        string big = $$"""{"model": "echo", "messages": [{"role": "user", "content": "{{new string('a', 4096)}}"}]}""";

        using var response = await _http.PostAsync(new Uri(small.BaseUrl, "chat/completions"), new StringContent(big, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Text_parts_are_accepted_as_content()
    {
        using var response = await Post("""{"model": "echo", "messages": [{"role": "user", "content": [{"type": "text", "text": "in "}, {"type": "text", "text": "parts"}]}]}""");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("echo: in parts", body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_server.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-right");
        return request;
    }

    private Task<HttpResponseMessage> Post(string body)
    {
        var request = Authorized(HttpMethod.Post, "chat/completions");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return _http.SendAsync(request);
    }
}
