namespace Lion.Core.Evaluation;

/// <summary>
/// The judge on one question, asked in both orders. Scores are (candidate, reference) whichever
/// order they were shown in; an order whose verdict could not be had is null, and why is in
/// <see cref="Missing"/> — it never becomes a score.
/// </summary>
public sealed record JudgeVerdict(
    JudgeQuestion Question,
    int CandidateLength,
    int ReferenceLength,
    (double Candidate, double Reference)? CandidateFirst,
    (double Candidate, double Reference)? ReferenceFirst,
    IReadOnlyList<string> Missing)
{
    public bool Complete => CandidateFirst is not null && ReferenceFirst is not null;

    /// <summary>+1 candidate better, 0 tie, −1 reference better, in one order's scores.</summary>
    public static int Winner((double Candidate, double Reference) scores) => scores.Candidate.CompareTo(scores.Reference);
}
