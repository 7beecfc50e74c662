using Lion.Core.Novelty;

namespace Lion.Core.Tests.Novelty;

public sealed class RougeTokenizerTests
{
    [Theory]
    [InlineData("Hello, World! It's 2023--ok?", "hello world it s 2023 ok")]
    [InlineData("  Sort THESE words:\tpear\napple  ", "sort these words pear apple")]
    [InlineData("café au lait", "caf au lait")]
    [InlineData("snake_case and kebab-case", "snake case and kebab case")]
    [InlineData("!!!", "")]
    public void It_splits_as_rouge_score_does(string text, string words)
    {
        Assert.Equal(words, string.Join(' ', RougeTokenizer.Words(text)));
    }

    [Fact]
    public void Equal_words_get_equal_ids()
    {
        var tokenizer = new RougeTokenizer();

        var first = tokenizer.Tokenize("The cat and THE dog");

        Assert.Equal(first[0], first[3]);
        Assert.Equal(4, tokenizer.VocabularySize);
    }
}
