using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Core.Evaluation;

/// <summary>
/// A strong model's pairwise verdict, as the paper measures a student against a reference: the
/// loop's referee prompt and parser, both answers scored 1–10, asked once with the candidate
/// first and once with it second, since judges favour a position. A reply without the two score
/// lines is asked again, with the reply and a reminder of the format, a bounded number of times;
/// a verdict that still cannot be had, or whose request failed for good, is missing, never a
/// score. Each attempt is a distinct request, so a cached run replays exactly.
/// </summary>
public sealed class PairwiseJudge(IChatClient judge, ChatOptions options, int maxAttempts = 3)
{
    public const string Reminder =
        "Your reply did not end with the two score lines. Reply again, ending with exactly two lines:\nAssistant 1: <score>\nAssistant 2: <score>";

    public async Task<JudgeVerdict> JudgeAsync(JudgeQuestion question, string candidate, string reference, CancellationToken cancellationToken)
    {
        var candidateFirst = AskAsync(question.Text, candidate, reference, cancellationToken);
        var referenceFirst = AskAsync(question.Text, reference, candidate, cancellationToken);
        var (one, oneMissing) = await candidateFirst;
        var (two, twoMissing) = await referenceFirst;
        var missing = new List<string>();
        if (oneMissing is not null) missing.Add($"candidate first: {oneMissing}");
        if (twoMissing is not null) missing.Add($"reference first: {twoMissing}");
        return new JudgeVerdict(question, candidate.Length, reference.Length,
            one is { } a ? (a.First, a.Second) : null,
            two is { } b ? (b.Second, b.First) : null,
            missing);
    }

    /// <summary>The scores of the answer shown first and the one shown second, or why there are none.</summary>
    private async Task<((double First, double Second)? Scores, string? Missing)> AskAsync(
        string question, string first, string second, CancellationToken cancellationToken)
    {
        var conversation = RefereePrompt.Build(question, first, second).ToList();
        string problem = "";
        for (int attempt = 1; attempt <= maxAttempts; attempt++)
        {
            ChatResponse reply;
            try
            {
                reply = await judge.GetResponseAsync(conversation, options, cancellationToken);
            }
            catch (RemoteRequestException failed) when (!failed.StopsTheRun)
            {
                // After an unparsed reply, the real cause is that reply: the re-ask failing (its
                // longer conversation over the judge's context, say) comes second.
                return (null, attempt == 1
                    ? $"the request failed: {failed.Message}"
                    : $"no verdict: {problem} (asked {attempt - 1} time{(attempt == 2 ? "" : "s")}; the reminder then failed: {failed.Message})");
            }
            catch (NotSupportedException cannot)
            {
                // An in-process judge that cannot read the request (the oracle on a question outside its tasks).
                return (null, $"the judge cannot answer: {cannot.Message}");
            }
            if (RefereeReply.TryParse(reply.Text, out double a, out double b, out problem))
                return ((a, b), null);
            conversation.Add(new ChatMessage(ChatRole.Assistant, reply.Text));
            conversation.Add(new ChatMessage(ChatRole.User, Reminder));
        }
        return (null, $"no verdict after {maxAttempts} attempts: {problem}");
    }
}
