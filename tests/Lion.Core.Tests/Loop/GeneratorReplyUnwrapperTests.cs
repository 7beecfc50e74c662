using Lion.Core.Loop;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Loop;

public sealed class GeneratorReplyUnwrapperTests
{
    private const string Instruction = "Describe the water cycle in four steps.";

    [Theory]
    [InlineData("Sure! Here is a new instruction: Describe the water cycle in four steps.")]
    [InlineData("Here's a new instruction:\n\nDescribe the water cycle in four steps.")]
    [InlineData("Certainly! Here is one.\nDescribe the water cycle in four steps.")]
    [InlineData("New instruction: Describe the water cycle in four steps.")]
    [InlineData("**New Instruction:** Describe the water cycle in four steps.")]
    [InlineData("\"Describe the water cycle in four steps.\"")]
    [InlineData("“Describe the water cycle in four steps.”")]
    [InlineData("**Describe the water cycle in four steps.**")]
    [InlineData("1. Describe the water cycle in four steps.\n2. Name three kinds of cloud.\n3. Explain what dew is.")]
    [InlineData("```\nDescribe the water cycle in four steps.\n```")]
    [InlineData("Sure! Here is a new instruction:\n\n\"Describe the water cycle in four steps.\"")]
    public void The_instruction_is_taken_out_of_the_wrapping_chat_models_put_around_it(string reply)
    {
        var (instruction, unwrapped) = GeneratorReplyUnwrapper.Unwrap(reply);

        Assert.Equal(Instruction, instruction);
        Assert.True(unwrapped);
    }

    [Theory]
    [InlineData("Describe the water cycle in four steps.")]
    [InlineData("Sort the following words alphabetically: List: kenya beth")]
    [InlineData("Question: Ann lies. Bob says Ann lies. Does Bob tell the truth?")]
    [InlineData("Here is a list of numbers: 3 1 2. Sort them from smallest to largest.")]
    [InlineData("Here is a list: 3 1 2.\nSort it from smallest to largest.")]
    [InlineData("The following paragraphs each describe a set of three objects.\nOptions:\n(A) The owl is the leftmost\n(B) The robin is the leftmost")]
    public void A_plain_instruction_comes_back_as_it_is(string reply)
    {
        var (instruction, unwrapped) = GeneratorReplyUnwrapper.Unwrap(reply);

        Assert.Equal(reply, instruction);
        Assert.False(unwrapped);
    }

    [Fact]
    public void A_preamble_on_the_instructions_first_line_takes_only_the_preamble()
    {
        const string item = "If you follow these instructions, do you return to the starting point? Turn left. Take 5 steps.\nOptions:\n- Yes\n- No";

        Assert.Equal(item, GeneratorReplyUnwrapper.Unwrap($"Sure! Here is a new instruction: {item}").Instruction);
    }

    [Fact]
    public void The_first_list_item_keeps_the_lines_that_continue_it()
    {
        var (instruction, _) = GeneratorReplyUnwrapper.Unwrap("1. Sort these words:\nList: owl ant\n2. Count the legs.");

        Assert.Equal("Sort these words:\nList: owl ant", instruction);
    }

    [Fact]
    public void A_refusal_is_discarded_with_its_reason_after_unwrapping()
    {
        var (candidate, reason, _) = GeneratorReplyFilter.CheckUnwrapped("I'm sorry, but I can't help with that request.", ChatFinishReason.Stop);

        Assert.Null(candidate);
        Assert.Equal(RejectReason.Refusal, reason);
    }

    [Fact]
    public void The_papers_filters_judge_the_unwrapped_instruction()
    {
        var (candidate, reason, unwrapped) = GeneratorReplyFilter.CheckUnwrapped("New Instruction: Describe the water cycle in four steps.", ChatFinishReason.Stop);

        Assert.Equal((Instruction, null, true), (candidate, reason, unwrapped));
    }
}
