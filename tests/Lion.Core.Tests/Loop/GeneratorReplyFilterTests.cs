using Lion.Core.Loop;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Loop;

public sealed class GeneratorReplyFilterTests
{
    [Theory]
    [InlineData("Explain why leaves change colour in autumn.", "stop", null)]
    [InlineData("Explain why leaves change colour in autumn.", "length", "truncated")]
    [InlineData("   ", "stop", "empty")]
    [InlineData("Name a colour.", "stop", "too_short")]
    [InlineData("- List three rivers in Peru.", "stop", "starts_with_punctuation")]
    [InlineData("¿Cuál es la capital de Perú y por qué?", "stop", "starts_with_non_ascii")]
    [InlineData("[Seed Instruction] Write a poem about the sea.", "stop", "echoes_prompt_labels")]
    [InlineData("#Created Prompt#: Write a poem about rivers and lakes.", "stop", "echoes_prompt_labels")]
    public void Each_rule_of_the_paper_discards_with_its_reason(string reply, string finish, string? reason)
    {
        var (candidate, why) = GeneratorReplyFilter.Check(reply, new ChatFinishReason(finish));

        Assert.Equal(reason, why is { } rejected ? Vocabulary<RejectReason>.Word(rejected) : null);
        Assert.Equal(reason is null, candidate is not null);
    }

    [Fact]
    public void Surrounding_quotes_and_spaces_are_trimmed()
    {
        Assert.Equal("Describe the water cycle in four steps.", GeneratorReplyFilter.Check("  \"Describe the water cycle in four steps.\"\n", ChatFinishReason.Stop).Candidate);
    }
}
