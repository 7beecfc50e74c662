using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Core.Evaluation;

/// <summary>
/// The referee role, as the loop's discrimination and `lion eval judge` both ask it: the run's
/// referee prompt (ours or the user's template) with a question and two answers, the reply read
/// by <see cref="RefereeReply"/>. A reply without two usable scores is recorded and asked again
/// with the reply and a reminder of the format, up to a bound; each attempt is a distinct request,
/// so a cached or resumed run replays exactly. A request the endpoint refuses for the pair's sake
/// (a 400 about it, the content filter) is recorded as refused under <paramref name="requestKey"/>
/// (the referee's parameters) and never asked again under them. Scores are never made up.
/// </summary>
public sealed class Referee(IChatClient client, PromptSet prompts, ChatOptions options, int maxAttempts, string? requestKey = null)
{
    public const string Reminder =
        "Your reply did not end with the two score lines. Reply again, ending with exactly two lines:\nAssistant 1: <score>\nAssistant 2: <score>";

    /// <summary>
    /// The scores of the answer shown first and the one shown second. <paramref name="earlier"/> are
    /// this pair's attempts in this order already recorded; <paramref name="record"/> keeps each new
    /// one as it arrives. A request that fails after the gateway's retries comes back as
    /// <see cref="RefereeScore.Failure"/>: the caller decides whether that is owed or missing.
    /// </summary>
    public async Task<RefereeScore> ScoreAsync(string question, string first, string second, IReadOnlyList<RefereeAttempt> earlier,
        Action<RefereeAttempt> record, CancellationToken cancellationToken)
    {
        if (earlier.FirstOrDefault(a => a.Problem is null) is { First: { } one, Second: { } two })
            return new RefereeScore((one, two), null, null);
        if (earlier.FirstOrDefault(a => a.Refused && a.RequestKey == requestKey) is { } refused)
            return new RefereeScore(null, refused.Problem, null);

        // Refusals under other parameters are set aside: this request is another one.
        var standing = earlier.Where(a => !a.Refused).ToList();
        var conversation = prompts.Referee(question, first, second).ToList();
        foreach (var unparsed in standing)
            Remind(conversation, unparsed.Raw);
        string problem = standing.LastOrDefault()?.Problem ?? "";
        int setAside = earlier.Count - standing.Count;
        for (int attempt = earlier.Count + 1; attempt <= maxAttempts + setAside; attempt++)
        {
            ChatResponse reply;
            try
            {
                reply = await client.GetResponseAsync(conversation, options, cancellationToken);
            }
            catch (RemoteRequestException cannot) when (ItemOutcome.IsRefusal(cannot))
            {
                var unanswerable = new RefereeAttempt(attempt, "", null, null, $"{ItemOutcome.WordOf(ItemOutcome.FinishOf(cannot))}: {cannot.Failure.Message}")
                {
                    RequestKey = requestKey,
                    RefusedAs = ItemOutcome.FinishOf(cannot),
                };
                record(unanswerable);
                return new RefereeScore(null, attempt == setAside + 1 ? unanswerable.Problem : AfterUnparsed(problem, attempt - setAside, cannot), null);
            }
            catch (RemoteRequestException failed) when (!failed.StopsTheRun)
            {
                // After an unparsed reply, the real cause is that reply: the re-ask failing (its
                // longer conversation over the referee's context, say) comes second.
                return new RefereeScore(null, attempt == setAside + 1 ? $"the request failed: {failed.Message}" : AfterUnparsed(problem, attempt - setAside, failed), failed);
            }
            if (reply.FinishReason == ItemOutcome.ContentFilter)
            {
                var withheld = new RefereeAttempt(attempt, reply.Text, null, null,
                    $"{ItemOutcome.FilteredWord}: {ItemOutcome.Withheld}") { RequestKey = requestKey, RefusedAs = ItemOutcome.ContentFilter };
                record(withheld);
                return new RefereeScore(null, withheld.Problem, null);
            }
            bool parsed = RefereeReply.TryParse(reply.Text, out double a, out double b, out problem);
            record(parsed ? new RefereeAttempt(attempt, reply.Text, a, b, null) : new RefereeAttempt(attempt, reply.Text, null, null, problem));
            if (parsed)
                return new RefereeScore((a, b), null, null);
            Remind(conversation, reply.Text);
        }
        return new RefereeScore(null, $"no verdict after {maxAttempts} attempts: {problem}", null);
    }

    private static void Remind(List<ChatMessage> conversation, string reply)
    {
        conversation.Add(new ChatMessage(ChatRole.Assistant, reply));
        conversation.Add(new ChatMessage(ChatRole.User, Reminder));
    }

    private static string AfterUnparsed(string problem, int attempt, RemoteRequestException error) =>
        $"no verdict: {problem} (asked {attempt - 1} time{(attempt == 2 ? "" : "s")}; the reminder then failed: {error.Message})";
}

/// <summary>One referee call: its attempt number, the reply, and the scores of the answers shown first and second, or why there are none.</summary>
public sealed record RefereeAttempt(int Attempt, string Raw, double? First, double? Second, string? Problem)
{
    /// <summary>For a refused call, the fingerprint of the referee's parameters it was refused under.</summary>
    public string? RequestKey { get; init; }

    /// <summary>How the endpoint refused the request for the pair's sake (unanswerable or content filter); null when it did not.</summary>
    public ChatFinishReason? RefusedAs { get; init; }

    /// <summary>The endpoint refused the request for the pair's sake: it is never asked again under the same parameters.</summary>
    public bool Refused => RefusedAs is not null;
}

/// <summary>What the referee made of a pair in one order: the two scores, or why there are none (and the failure, when a request failed).</summary>
public sealed record RefereeScore((double First, double Second)? Scores, string? Missing, RemoteRequestException? Failure);
