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

    [Theory]
    [InlineData("Good.\nAssistant 1: 8/10\nAssistant 2: 6/10")]
    [InlineData("Good.\n**Assistant 1:** 8\n**Assistant 2:** 6")]
    [InlineData("Good.\nAssistant 1 receives a score of 8.\nAssistant 2 receives a score of 6.")]
    [InlineData("Good.\nAssistant 1: 8 out of 10\nAssistant 2: 6 out of 10")]
    [InlineData("8 6\nThe first answer is right, the second is not.")]
    [InlineData("8, 6\nThe first answer is right, the second is not.")]
    [InlineData("The first is right.\n```json\n{\"assistant_1\": 8, \"assistant_2\": 6}\n```")]
    [InlineData("{\"Assistant 1\": 8, \"Assistant 2\": 6, \"reason\": \"the first is right\"}")]
    [InlineData("Good.\nAssistant 2: 6\nAssistant 1: 8")]
    [InlineData("Good.\nScore for Assistant 1: 8\nScore for Assistant 2: 6")]
    [InlineData("Good.\nAssistant 1's score: 8\nAssistant 2's score is 6.")]
    [InlineData("Good.\n- Assistant 1: 8\n- Assistant 2: 6")]
    [InlineData("Good.\n* **Assistant 1**: 8\n* **Assistant 2**: 6")]
    [InlineData("Good.\nAssistant 1：8\nAssistant 2：6")]
    [InlineData("Good.\nAssistant 1: 8, Assistant 2: 6")]
    [InlineData("Assistant 1 said the answer is 4 and Assistant 2: 7 was its answer.\nAssistant 1: 8\nAssistant 2: 6")]
    [InlineData("Sure! Here is my evaluation.\n\nThe first is right.\n\n### Scores\nAssistant 1: 8\nAssistant 2: 6\n\nI hope this helps.")]
    public void What_real_judges_write_is_read_as_the_two_scores(string reply)
    {
        Assert.True(RefereeReply.TryParse(reply, out double one, out double two, out string error), error);
        Assert.Equal((8, 6), (one, two));
    }

    [Theory]
    [InlineData("Both assistants: 8")]
    [InlineData("Assistant 1 and Assistant 2 both deserve 8.")]
    [InlineData("The answer of Assistant 1 is 4.\nThe answer of Assistant 2 is 5.")]
    [InlineData("Assistant 1 is 4\nAssistant 2 is 5")]
    [InlineData("8 6 7\nThree numbers are not two scores.")]
    [InlineData("{\"assistant_1\": 8}")]
    [InlineData("I'm sorry, but I can't compare these answers.")]
    public void A_reply_whose_two_scores_cannot_be_told_apart_is_unparsed_never_guessed(string reply)
    {
        Assert.False(RefereeReply.TryParse(reply, out _, out _, out _));
    }

    [Fact]
    public void Formatting_and_parsing_agree()
    {
        string reply = RefereeReply.Format("Fine.", 8.5, 2);

        Assert.True(RefereeReply.TryParse(reply, out double one, out double two, out _));
        Assert.Equal((8.5, 2), (one, two));
    }

    // The reference scripts' own format: "Evaluation evidence: …", then one score line per
    // assistant, as judges decorate it.
    [Theory]
    [InlineData("Evaluation evidence: the first is right.\nScore of the Assistant 1: 8\nScore of the Assistant 2: 6.5", 8, 6.5)]
    [InlineData("Evaluation evidence: fine.\n**Score of the Assistant 1:** 8\n**Score of the Assistant 2:** 6", 8, 6)]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: **7.5**\nScore of the Assistant 2: **3**", 7.5, 3)]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 8/10\nScore of the Assistant 2: 6/10", 8, 6)]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 8 (accurate and complete)\nScore of the Assistant 2: 6 (misses a step)", 8, 6)]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 8 - thorough\nScore of the Assistant 2: 6 - vague", 8, 6)]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 9. Clear and correct.\nScore of the Assistant 2: 4. Wrong answer.", 9, 4)]
    [InlineData("evaluation evidence: fine.\nscore of the assistant 1: 8\nscore of the assistant 2: 6", 8, 6)]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1：8\nScore of the Assistant 2：6", 8, 6)]
    [InlineData("Evaluation evidence: fine.\n- Score of the Assistant 1: 8\n- Score of the Assistant 2: 6", 8, 6)]
    [InlineData("Evaluation evidence: fine.\n* **Score of the Assistant 1**: 8.0/10\n* **Score of the Assistant 2**: 2.0/10", 8, 2)]
    [InlineData("Evaluation evidence: fine.\r\nScore of Assistant 1: 10\r\nScore of Assistant 2: 1", 10, 1)]
    public void The_reference_scripts_score_lines_are_read_however_decorated(string reply, double first, double second)
    {
        Assert.True(RefereeReply.TryParse(reply, out double one, out double two, out string error), error);
        Assert.Equal((first, second), (one, two));
    }

    [Theory]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 8 - 9\nScore of the Assistant 2: 6")]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 8 (or 9)\nScore of the Assistant 2: 6")]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: 12\nScore of the Assistant 2: 6")]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistant 1: eight\nScore of the Assistant 2: 6")]
    [InlineData("Evaluation evidence: fine.\nScore of the Assistants: 8 and 6")]
    public void A_reference_format_reply_with_an_ambiguous_or_out_of_range_score_stays_unparsed(string reply)
    {
        Assert.False(RefereeReply.TryParse(reply, out _, out _, out _));
    }
}
