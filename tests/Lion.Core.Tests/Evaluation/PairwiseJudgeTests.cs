using Lion.Core.Evaluation;
using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Evaluation;

public sealed class PairwiseJudgeTests
{
    private static readonly JudgeQuestion Question = new("7", "math", "What is 2 + 2?");

    /// <summary>A judge that answers from a script: given the two answers as shown and the attempt number, its reply.</summary>
    private sealed class ScriptedJudge(Func<string, string, int, string> reply) : IChatClient
    {
        public List<IList<ChatMessage>> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            lock (Requests)
                Requests.Add(list);
            RefereePrompt.TryParse(list[1].Text, out _, out string first, out string second);
            int attempt = list.Count(m => m.Role == ChatRole.User) - 1;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply(first, second, attempt))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private static PairwiseJudge Judge(IChatClient judge, int maxAttempts = 3) =>
        new(new Referee(judge, new PromptSet(new PromptFiles()), new ChatOptions(), maxAttempts));

    private static string Scores(string first, string second) =>
        RefereeReply.Format("ok", first == "4" ? 9 : 3, second == "4" ? 9 : 3);

    [Fact]
    public async Task Both_orders_are_asked_and_scores_are_given_back_as_candidate_and_reference()
    {
        var judge = new ScriptedJudge((first, second, _) => Scores(first, second));

        var verdict = await Judge(judge).JudgeAsync(Question, "4", "5", default);

        Assert.Equal(2, judge.Requests.Count);
        Assert.Equal((9.0, 3.0), verdict.CandidateFirst);
        Assert.Equal((9.0, 3.0), verdict.ReferenceFirst);
        Assert.Empty(verdict.Missing);
    }

    [Fact]
    public async Task A_reply_without_scores_is_asked_again_with_the_reply_and_a_reminder()
    {
        var judge = new ScriptedJudge((first, second, attempt) => attempt == 0 ? "Both are fine." : Scores(first, second));

        var verdict = await Judge(judge).JudgeAsync(Question, "4", "5", default);

        Assert.True(verdict.Complete);
        var retry = judge.Requests.First(r => r.Count == 4);
        Assert.Equal("Both are fine.", retry[2].Text);
        Assert.Equal(Referee.Reminder, retry[3].Text);
    }

    [Fact]
    public async Task A_judge_that_never_gives_scores_leaves_the_verdict_missing_after_the_bounded_attempts()
    {
        var judge = new ScriptedJudge((_, _, _) => "I refuse to score.");

        var verdict = await Judge(judge, maxAttempts: 2).JudgeAsync(Question, "4", "5", default);

        Assert.False(verdict.Complete);
        Assert.Null(verdict.CandidateFirst);
        Assert.Null(verdict.ReferenceFirst);
        Assert.Equal(4, judge.Requests.Count);
        Assert.Contains(verdict.Missing, m => m.StartsWith("candidate first: no verdict after 2 attempts: no score line for Assistant 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_that_fails_for_good_is_a_missing_verdict_not_a_score()
    {
        var failing = new FailingJudge();

        var verdict = await Judge(failing).JudgeAsync(Question, "4", "5", default);

        Assert.Equal(2, verdict.Missing.Count);
        Assert.All(verdict.Missing, m => Assert.Contains("the request failed", m));
    }

    [Fact]
    public async Task A_reminder_that_fails_after_an_unparsed_reply_reports_the_unparsed_reply_as_the_cause()
    {
        // The reminder turn makes the conversation longer than the judge's context: its 400 is not why there is no verdict.
        var judge = new FailingJudge(unparsedFirst: true);

        var verdict = await Judge(judge).JudgeAsync(Question, "4", "5", default);

        Assert.Contains(verdict.Missing, m => m.StartsWith("candidate first: no verdict: no score line for Assistant 1 (asked 1 time; the reminder then failed: ", StringComparison.Ordinal));
    }

    /// <summary>A judge whose requests fail for good; with <paramref name="unparsedFirst"/>, only after a first reply without scores.</summary>
    private sealed class FailingJudge(bool unparsedFirst = false) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            unparsedFirst && messages.Count(m => m.Role == ChatRole.User) == 1
                ? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Both answers look fine to me.")))
                : throw new RemoteRequestException(new RemoteFailure(RemoteFailureKind.ServerError, 500, "boom", null), "retries exhausted: 500");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
