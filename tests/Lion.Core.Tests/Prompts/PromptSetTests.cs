using Lion.Core.Config;
using Lion.Core.Prompts;
using Lion.Tests;

namespace Lion.Core.Tests.Prompts;

public sealed class PromptSetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Without_files_the_built_in_prompts_are_used()
    {
        var prompts = new PromptSet(new PromptFiles());

        var referee = prompts.Referee("Q?", "one", "two");

        Assert.True(RefereePrompt.TryParse(referee[^1].Text, out var question, out var first, out var second));
        Assert.Equal(("Q?", "one", "two"), (question, first, second));
        Assert.True(GeneratorPrompt.TryParse(prompts.Generator("Seed.", GenerationKind.Easy)[^1].Text, out var seed, out var kind));
        Assert.Equal(("Seed.", GenerationKind.Easy), (seed, kind));
    }

    [Fact]
    public void Template_files_replace_the_prompts_with_the_texts_filled_in()
    {
        var files = new PromptFiles
        {
            Referee = _folder.Write("referee.txt", "Question: {question}\nA: {answer_1}\nB: {answer_2}\nScore both."),
            GeneratorHard = _folder.Write("hard.txt", "Make another like: {instruction}"),
        };
        var prompts = new PromptSet(files);

        Assert.Equal("Question: Q?\nA: one\nB: two\nScore both.", prompts.Referee("Q?", "one", "two").Single().Text);
        Assert.Equal("Make another like: Seed.", prompts.Generator("Seed.", GenerationKind.Hard).Single().Text);
        Assert.True(GeneratorPrompt.TryParse(prompts.Generator("Seed.", GenerationKind.Easy)[^1].Text, out _, out _));
    }

    [Fact]
    public void A_template_without_its_placeholder_is_refused()
    {
        string path = _folder.Write("referee.txt", "Question: {question}\nA: {answer_1}");

        var error = Assert.Throws<BadInputException>(() => new PromptSet(new PromptFiles { Referee = path }));

        Assert.Equal($"{path}: the template has no {{answer_2}}", error.Message);
    }
}
