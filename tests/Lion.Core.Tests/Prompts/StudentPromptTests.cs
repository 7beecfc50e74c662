using Lion.Core.Prompts;

namespace Lion.Core.Tests.Prompts;

public sealed class StudentPromptTests
{
    [Theory]
    [InlineData("Sort these words.", "")]
    [InlineData("Sort these words.", "pear apple\nfig")]
    public void An_alpaca_prompt_gives_back_its_instruction_and_input(string instruction, string input)
    {
        string prompt = StudentPrompt.Format(PromptFormat.Alpaca, instruction, input);

        Assert.True(StudentPrompt.TryParse(prompt, out var readInstruction, out var readInput));
        Assert.Equal((instruction, input), (readInstruction, readInput));
        Assert.EndsWith("### Response:\n", prompt);
        Assert.Equal(input.Length > 0, prompt.Contains("### Input:"));
    }

    [Fact]
    public void A_chatml_prompt_is_one_user_turn_then_the_assistants()
    {
        string prompt = StudentPrompt.Format(PromptFormat.ChatMl, "Sort these words.", "pear apple");

        Assert.Equal("<|im_start|>user\nSort these words.\n\npear apple<|im_end|>\n<|im_start|>assistant\n", prompt);
        Assert.True(StudentPrompt.TryParse(prompt, out var question, out _));
        Assert.Equal("Sort these words.\n\npear apple", question);
    }

    [Fact]
    public void A_plain_prompt_is_the_question_and_a_short_answer_cue()
    {
        string prompt = StudentPrompt.Format(PromptFormat.Plain, "not True is", "");

        Assert.Equal("not True is\nAnswer: ", prompt);
        Assert.True(StudentPrompt.TryParse(prompt, out var question, out _));
        Assert.Equal("not True is", question);
    }

    [Fact]
    public void Plain_text_is_not_a_student_prompt()
    {
        Assert.False(StudentPrompt.TryParse("Sort these words.", out _, out _));
    }
}
