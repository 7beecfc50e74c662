namespace Lion.Core.Evaluation;

/// <summary>
/// A strong model's pairwise verdict, as the paper measures a student against a reference: the
/// run's <see cref="Referee"/>, both answers scored 1–10, asked once with the candidate first and
/// once with it second, since judges favour a position. A verdict that cannot be had is missing,
/// never a score.
/// </summary>
public sealed class PairwiseJudge(Referee referee)
{
    public async Task<JudgeVerdict> JudgeAsync(JudgeQuestion question, string candidate, string reference, CancellationToken cancellationToken)
    {
        var candidateFirst = referee.ScoreAsync(question.Text, candidate, reference, [], _ => { }, cancellationToken);
        var referenceFirst = referee.ScoreAsync(question.Text, reference, candidate, [], _ => { }, cancellationToken);
        var one = await candidateFirst;
        var two = await referenceFirst;
        var missing = new List<string>();
        if (one.Missing is { } oneMissing) missing.Add($"candidate first: {oneMissing}");
        if (two.Missing is { } twoMissing) missing.Add($"reference first: {twoMissing}");
        return new JudgeVerdict(question, candidate.Length, reference.Length,
            one.Scores is { } a ? (a.First, a.Second) : null,
            two.Scores is { } b ? (b.Second, b.First) : null,
            missing);
    }
}
