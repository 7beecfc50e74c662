using Lion.Core.Prompts;

namespace Lion.Core.Tests.Prompts;

public sealed class RefereeReplyTests
{
    [Fact]
    public void The_score_lines_after_the_explanation_are_read()
    {
        Assert.True(RefereeReply.TryParse("Both try; the first is right.\nAssistant 1: 9\nAssistant 2: 4", out double one, out double two, out _));
        Assert.Equal((9, 4), (one, two));
    }

    [Fact]
    public void When_a_judge_restates_itself_the_last_lines_count()
    {
        RefereeReply.TryParse("Assistant 1: 3\nAssistant 2: 8\nOn reflection:\nAssistant 1: 7.5\nAssistant 2: 6", out double one, out double two, out _);

        Assert.Equal((7.5, 6), (one, two));
    }

    [Theory]
    [InlineData("Assistant 1: 8", "no score line for Assistant 2")]
    [InlineData("Assistant 2: 8", "no score line for Assistant 1")]
    [InlineData("Assistant 1: 11\nAssistant 2: 5", "the score of Assistant 1 (11) is outside 1–10")]
    [InlineData("Assistant 1: 5\nAssistant 2: 0", "the score of Assistant 2 (0) is outside 1–10")]
    [InlineData("I prefer the second answer.", "no score line for Assistant 1")]
    public void A_reply_without_two_valid_scores_is_a_parse_error_not_a_score(string reply, string error)
    {
        Assert.False(RefereeReply.TryParse(reply, out _, out _, out string message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void Formatting_and_parsing_agree()
    {
        string reply = RefereeReply.Format("Fine.", 8.5, 2);

        Assert.True(RefereeReply.TryParse(reply, out double one, out double two, out _));
        Assert.Equal((8.5, 2), (one, two));
    }
}
