using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Store;
using Lion.Core.Tests.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Gateway;

public sealed class DurableCachingChatClientTests : IDisposable
{
    private readonly StoreFixture _fixture = new();
    private readonly RunStore _store;
    private readonly CountingChatClient _model = new();

    public DurableCachingChatClientTests() => _store = _fixture.CreateRun();

    public void Dispose()
    {
        _store.Dispose();
        _fixture.Dispose();
    }

    private DurableCachingChatClient Client(RunStore? store = null) => new(_model, (store ?? _store).Gateway, "teacher-model");

    private static ChatMessage[] Ask(string text) => [new(ChatRole.User, text)];

    [Fact]
    public async Task Answers_of_two_endpoints_with_one_model_name_are_kept_apart()
    {
        var first = new DurableCachingChatClient(_model, _store.Gateway, "same-name", endpoint: "http://a.example/v1/ same-name");
        var second = new DurableCachingChatClient(_model, _store.Gateway, "same-name", endpoint: "http://b.example/v1/ same-name");

        await first.GetResponseAsync(Ask("Why?"));
        var other = await second.GetResponseAsync(Ask("Why?"));
        var again = await first.GetResponseAsync(Ask("Why?"));

        Assert.Equal(2, _model.Calls);
        Assert.Equal(false, other.AdditionalProperties![CachedReply.CachedProperty]);
        Assert.Equal(true, again.AdditionalProperties![CachedReply.CachedProperty]);
    }

    [Fact]
    public async Task An_answer_an_older_store_keeps_under_the_key_without_the_endpoint_is_still_used()
    {
        // What a store made before keys named the endpoint holds: version 1, the old key.
        var (legacyKey, json) = RequestKey.Of("teacher-model", Ask("Why?"), null);
        _store.InTransaction(transaction =>
        {
            using var insert = _store.Command(transaction, """
                INSERT INTO request_cache (key, model, request_json, response_json, finish_reason, version, created_at)
                VALUES ($key, 'teacher-model', $request, $response, 'stop', 1, 'then')
                """);
            insert.Parameters.AddWithValue("$key", legacyKey);
            insert.Parameters.AddWithValue("$request", json);
            insert.Parameters.AddWithValue("$response", System.Text.Json.JsonSerializer.Serialize(
                new CachedReply("paid for before the upgrade", "stop", "teacher-model", 10, 5)));
            insert.ExecuteNonQuery();
        });

        var reply = await new DurableCachingChatClient(_model, _store.Gateway, "teacher-model", endpoint: "http://a.example/v1/ teacher-model")
            .GetResponseAsync(Ask("Why?"));

        Assert.Equal("paid for before the upgrade", reply.Text);
        Assert.Equal(0, _model.Calls);
    }

    [Fact]
    public async Task A_repeated_request_is_answered_from_the_store()
    {
        var client = Client();

        var first = await client.GetResponseAsync(Ask("Why?"), new ChatOptions { Temperature = 0.7f });
        var second = await client.GetResponseAsync(Ask("Why?"), new ChatOptions { Temperature = 0.7f });

        Assert.Equal(1, _model.Calls);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(false, first.AdditionalProperties![CachedReply.CachedProperty]);
        Assert.Equal(true, second.AdditionalProperties![CachedReply.CachedProperty]);
    }

    [Fact]
    public async Task The_cache_survives_closing_and_reopening_the_store()
    {
        await Client().GetResponseAsync(Ask("Why?"));
        _store.Dispose();

        using var reopened = RunStore.Open(_fixture.RunFolder);
        var again = await Client(reopened).GetResponseAsync(Ask("Why?"));

        Assert.Equal(1, _model.Calls);
        Assert.Equal("answer: Why?", again.Text);
        Assert.Equal(10, again.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Identical_requests_in_flight_together_make_one_upstream_call()
    {
        var client = Client();
        _model.Gate = new TaskCompletionSource();

        var requests = Enumerable.Range(0, 8).Select(_ => client.GetResponseAsync(Ask("Same?"))).ToList();
        await Task.Delay(50);
        _model.Gate.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.Equal(1, _model.Calls);
        Assert.All(answers, a => Assert.Equal("answer: Same?", a.Text));
    }

    [Fact]
    public async Task Different_options_are_different_requests()
    {
        var client = Client();

        await client.GetResponseAsync(Ask("Why?"), new ChatOptions { Temperature = 0.7f });
        await client.GetResponseAsync(Ask("Why?"), new ChatOptions { Temperature = 0.2f });

        Assert.Equal(2, _model.Calls);
    }

    [Fact]
    public async Task A_truncated_answer_is_kept_and_flagged_not_passed_off_as_complete()
    {
        _model.Reply = _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, "The answer is")) { FinishReason = ChatFinishReason.Length };
        var client = Client();

        var first = await client.GetResponseAsync(Ask("Explain."));
        var second = await client.GetResponseAsync(Ask("Explain."));

        Assert.Equal(1, _model.Calls);
        Assert.Equal("length", first.AdditionalProperties![CachedReply.IncompleteProperty]);
        Assert.Equal("length", second.AdditionalProperties![CachedReply.IncompleteProperty]);
        Assert.Equal(ChatFinishReason.Length, second.FinishReason);
    }

    [Fact]
    public async Task An_empty_answer_is_flagged()
    {
        _model.Reply = _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, "  ")) { FinishReason = ChatFinishReason.Stop };

        var answer = await Client().GetResponseAsync(Ask("Explain."));

        Assert.Equal("empty", answer.AdditionalProperties![CachedReply.IncompleteProperty]);
    }

    [Fact]
    public async Task A_failure_is_not_cached()
    {
        int attempt = 0;
        _model.Reply = messages => ++attempt == 1
            ? throw new HttpRequestException("connection reset")
            : new ChatResponse(new ChatMessage(ChatRole.Assistant, "fine"));
        var client = Client();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Ask("Why?")));
        var retried = await client.GetResponseAsync(Ask("Why?"));

        Assert.Equal("fine", retried.Text);
        Assert.Equal(2, _model.Calls);
    }

    [Fact]
    public async Task Streaming_goes_through_the_cache_too()
    {
        var client = Client();
        await client.GetResponseAsync(Ask("Why?"));

        var text = string.Concat(await client.GetStreamingResponseAsync(Ask("Why?")).Select(u => u.Text).ToListAsync());

        Assert.Equal("answer: Why?", text);
        Assert.Equal(1, _model.Calls);
    }
}
