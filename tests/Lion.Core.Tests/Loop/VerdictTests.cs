using Lion.Core.Config;
using Lion.Core.Loop;
using Lion.Core.Store;

namespace Lion.Core.Tests.Loop;

public sealed class VerdictTests
{
    private static Review Review(bool teacherFirst, double teacher, double student) => new(1, teacherFirst, 1, "", teacher, student, null);

    [Fact]
    public void Each_answers_two_scores_are_averaged_and_the_gap_decides()
    {
        var verdict = DiscriminationStage.Judge(1, Review(true, 9, 6), Review(false, 8, 7), threshold: 1.0);

        Assert.Equal((8.5, 6.5, 2.0, VerdictLabel.Hard), (verdict.TeacherScore, verdict.StudentScore, verdict.Gap, verdict.Label));
    }

    [Fact]
    public void A_gap_of_exactly_tau_is_hard()
    {
        Assert.Equal(VerdictLabel.Hard, DiscriminationStage.Judge(1, Review(true, 8, 7), Review(false, 8, 7), 1.0).Label);
        Assert.Equal(VerdictLabel.Easy, DiscriminationStage.Judge(1, Review(true, 8, 7.5), Review(false, 8, 7.5), 1.0).Label);
    }

    [Fact]
    public void A_winner_that_changes_with_the_order_is_a_flip()
    {
        Assert.True(DiscriminationStage.Judge(1, Review(true, 8, 6), Review(false, 6, 8), 1.0).OrderFlipped);
        Assert.False(DiscriminationStage.Judge(1, Review(true, 8, 6), Review(false, 9, 2), 1.0).OrderFlipped);
    }

    [Theory]
    [InlineData(24, 1, 1, 12, 12)]
    [InlineData(24, 3, 1, 18, 6)]
    [InlineData(24, 1, 0, 24, 0)]
    public void New_instructions_are_split_at_the_ratio(int total, int hard, int easy, int wantHard, int wantEasy)
    {
        Assert.Equal((wantHard, wantEasy), GenerationStage.Split(total, new HardEasyRatio(hard, easy), true, true));
    }

    [Fact]
    public void With_no_hard_seeds_all_new_instructions_come_from_easy_ones()
    {
        Assert.Equal((0, 24), GenerationStage.Split(24, new HardEasyRatio(1, 1), haveHard: false, haveEasy: true));
    }
}
