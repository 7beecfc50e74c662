using Lion.Core.Gateway;
using Lion.Core.Loop;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Core.Evaluation;

/// <summary>
/// The referee role, as the loop's discrimination and `lion eval judge` both ask it: the run's
/// referee prompt (ours or the user's template) with a question and two answers, the reply read
/// by <see cref="RefereeReply"/>. A reply without two usable scores is recorded and asked again
/// with the reply and a reminder of the format, up to a bound; each attempt is a distinct request,
/// so a cached or resumed run replays exactly. A request the endpoint refuses (a 400) is recorded
/// as unanswerable and never asked again. Scores are never made up.
/// </summary>
public sealed class Referee(IChatClient client, PromptSet prompts, ChatOptions options, int maxAttempts)
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
        if (earlier.FirstOrDefault(a => a.Refused) is { } refused)
            return new RefereeScore(null, refused.Problem, null);

        var conversation = prompts.Referee(question, first, second).ToList();
        foreach (var unparsed in earlier)
            Remind(conversation, unparsed.Raw);
        string problem = earlier.LastOrDefault()?.Problem ?? "";
        for (int attempt = earlier.Count + 1; attempt <= maxAttempts; attempt++)
        {
            ChatResponse reply;
            try
            {
                reply = await client.GetResponseAsync(conversation, options, cancellationToken);
            }
            catch (RemoteRequestException cannot) when (ItemOutcome.IsUnanswerable(cannot))
            {
                var unanswerable = new RefereeAttempt(attempt, "", null, null, $"{ItemOutcome.Word}: {cannot.Failure.Message}");
                record(unanswerable);
                return new RefereeScore(null, attempt == 1 ? unanswerable.Problem : AfterUnparsed(problem, attempt, cannot), null);
            }
            catch (RemoteRequestException failed) when (!failed.StopsTheRun)
            {
                // After an unparsed reply, the real cause is that reply: the re-ask failing (its
                // longer conversation over the referee's context, say) comes second.
                return new RefereeScore(null, attempt == 1 ? $"the request failed: {failed.Message}" : AfterUnparsed(problem, attempt, failed), failed);
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
    /// <summary>The endpoint refused the request for good: it is never asked again.</summary>
    public bool Refused => Problem?.StartsWith(ItemOutcome.Word + ":", StringComparison.Ordinal) == true;
}

/// <summary>What the referee made of a pair in one order: the two scores, or why there are none (and the failure, when a request failed).</summary>
public sealed record RefereeScore((double First, double Second)? Scores, string? Missing, RemoteRequestException? Failure);
