using Lion.Core.Evaluation;

namespace Lion.Oracle;

/// <summary>
/// Grades an answer against the exact target: 10 for the right final answer; for word lists and
/// bracket sequences, partial credit (2 to 8) for the share of places right; 2 for a wrong
/// answer of the right form; 1 for no answer at all. Never outside 1–10.
/// </summary>
public static class OracleReferee
{
    public static (double Score, string Verdict) Grade(string answer, string target)
    {
        string? given = AnswerExtractor.Extract(answer, target);
        if (given is null || given.Length == 0)
            return (1, "gives no answer");
        if (given == target)
            return (10, $"answers {target}, which is correct");
        if (AnswerExtractor.KindOf(target) != AnswerKind.Sequence)
            return (2, $"answers {given}, which is wrong");

        var expected = target.Split(' ');
        var actual = given.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int right = expected.Zip(actual).Count(pair => pair.First == pair.Second);
        double share = right / (double)Math.Max(expected.Length, actual.Length);
        double score = 2 + Math.Round(6 * share);
        return (score, $"answers \"{given}\", with {right} of {expected.Length} places right");
    }
}
