using Lion.Core.Evaluation;

namespace Lion.Core.Tests.Evaluation;

public sealed class JudgeSummaryTests
{
    private static JudgeVerdict Verdict(string id, (double, double)? candidateFirst, (double, double)? referenceFirst, int candidateLength = 10, int referenceLength = 10) =>
        new(new JudgeQuestion(id, "general", "?"), candidateLength, referenceLength, candidateFirst, referenceFirst,
            candidateFirst is null || referenceFirst is null ? ["missing"] : []);

    [Fact]
    public void The_relative_score_is_the_candidates_total_over_the_references_across_both_orders()
    {
        var summary = JudgeSummary.Of("all", [Verdict("1", (8, 4), (6, 6)), Verdict("2", (5, 5), (5, 5))]);

        Assert.Equal(24, summary.CandidateTotal);
        Assert.Equal(20, summary.ReferenceTotal);
        Assert.Equal(1.2, summary.RelativeScore!.Value, 6);
    }

    [Fact]
    public void Wins_ties_and_losses_use_both_orders_and_a_changed_winner_is_a_flip()
    {
        var summary = JudgeSummary.Of("all",
        [
            Verdict("win", (9, 3), (8, 4)),
            Verdict("flip", (7, 5), (5, 7)),
            Verdict("loss", (2, 9), (3, 9)),
        ]);

        Assert.Equal((1, 1, 1), (summary.Wins, summary.Ties, summary.Losses));
        Assert.Equal(1.0 / 3, summary.FlipShare, 6);
    }

    [Fact]
    public void Questions_without_both_verdicts_are_counted_missing_and_left_out_of_the_scores()
    {
        var summary = JudgeSummary.Of("all", [Verdict("1", (8, 4), (8, 4)), Verdict("2", (1, 10), null)]);

        Assert.Equal((2, 1, 1), (summary.Questions, summary.Judged, summary.Missing));
        Assert.Equal(16, summary.CandidateTotal);
    }

    [Fact]
    public void A_judge_that_pays_for_length_shows_a_positive_length_correlation()
    {
        var summary = JudgeSummary.Of("all",
        [
            Verdict("1", (9, 2), (9, 2), candidateLength: 900, referenceLength: 100),
            Verdict("2", (3, 8), (3, 8), candidateLength: 200, referenceLength: 800),
        ]);

        Assert.True(summary.LengthCorrelation > 0.9);
    }

    [Fact]
    public void Without_any_judged_question_there_is_no_relative_score_rather_than_zero()
    {
        var summary = JudgeSummary.Of("all", [Verdict("1", null, null)]);

        Assert.Null(summary.RelativeScore);
        Assert.Null(summary.LengthCorrelation);
    }
}
