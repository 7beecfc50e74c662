using Lion.Core.Config;
using Lion.Core.Evaluation;
using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Lion.Tests;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Evaluation;

public sealed class RefereeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A referee that replies from a script, one reply per request, and keeps the requests.</summary>
    private sealed class ScriptedReferee(params Func<IList<ChatMessage>, string>[] replies) : IChatClient
    {
        public List<IList<ChatMessage>> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            Requests.Add(list);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, replies[Requests.Count - 1](list))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private static Referee Of(IChatClient client, PromptSet? prompts = null, int maxAttempts = 3) =>
        new(client, prompts ?? new PromptSet(new PromptFiles()), new ChatOptions(), maxAttempts);

    [Fact]
    public async Task The_users_referee_template_is_what_is_asked()
    {
        string template = _folder.File("referee.txt");
        File.WriteAllText(template, "Q: {question}\nA1: {answer_1}\nA2: {answer_2}\nScore both.");
        var client = new ScriptedReferee(_ => "Assistant 1: 8\nAssistant 2: 3");

        var score = await Of(client, new PromptSet(new PromptFiles { Referee = template })).ScoreAsync("2+2?", "4", "5", [], _ => { }, default);

        Assert.Equal((8.0, 3.0), score.Scores);
        Assert.Equal("Q: 2+2?\nA1: 4\nA2: 5\nScore both.", Assert.Single(client.Requests).Single().Text);
    }

    [Fact]
    public async Task Every_attempt_is_recorded_and_a_resumed_pair_asks_only_what_is_missing_with_the_earlier_reply_in_the_conversation()
    {
        var recorded = new List<RefereeAttempt>();
        var earlier = new RefereeAttempt(1, "Both are fine.", null, null, "no score line for Assistant 1");
        var client = new ScriptedReferee(_ => "Assistant 1: 9\nAssistant 2: 2");

        var score = await Of(client).ScoreAsync("2+2?", "4", "5", [earlier], recorded.Add, default);

        Assert.Equal((9.0, 2.0), score.Scores);
        var asked = Assert.Single(client.Requests);
        Assert.Equal(["Both are fine.", Referee.Reminder], asked.Skip(asked.Count - 2).Select(m => m.Text));
        Assert.Equal(2, Assert.Single(recorded).Attempt);
    }

    [Fact]
    public async Task A_pair_with_a_parsed_attempt_is_not_asked_again()
    {
        var client = new ScriptedReferee();

        var score = await Of(client).ScoreAsync("2+2?", "4", "5", [new RefereeAttempt(1, "…", 7, 4, null)], _ => { }, default);

        Assert.Equal((7.0, 4.0), score.Scores);
        Assert.Empty(client.Requests);
    }

    [Fact]
    public async Task A_refused_request_is_recorded_as_unanswerable_and_never_asked_again()
    {
        var recorded = new List<RefereeAttempt>();
        var refusing = new ScriptedReferee(_ => throw new RemoteRequestException(
            new RemoteFailure(RemoteFailureKind.BadRequest, 400, "context length exceeded", null), "400: context length exceeded"));

        var first = await Of(refusing).ScoreAsync("2+2?", "4", "5", [], recorded.Add, default);
        var again = await Of(new ScriptedReferee()).ScoreAsync("2+2?", "4", "5", recorded, _ => { }, default);

        Assert.Null(first.Scores);
        Assert.Null(first.Failure);
        Assert.StartsWith("unanswerable: ", first.Missing);
        Assert.True(Assert.Single(recorded).Refused);
        Assert.Equal(first.Missing, again.Missing);
    }
}
