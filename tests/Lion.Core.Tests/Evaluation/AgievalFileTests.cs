using Lion.Core.Evaluation;
using Lion.Tests;

namespace Lion.Core.Tests.Evaluation;

/// <summary>Items written here in AGIEval's layout; none is from AGIEval.</summary>
public sealed class AgievalFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void An_item_becomes_passage_question_options_and_a_lettered_target()
    {
        string path = _folder.Write("sat-math.jsonl",
            """{"passage": null, "question": "If 2x = 6, what is x?", "options": ["(A)2", "(B)3", "(C)4", "(D)6"], "label": "B"}""" + "\n" +
            """{"passage": "Rivers carry silt.", "question": "What do rivers carry?", "options": ["(A)silt", "(B)salt"], "label": "A"}""" + "\n");

        var examples = AgievalFile.Read(path);

        Assert.Equal(new BbhExample("If 2x = 6, what is x?\n(A)2\n(B)3\n(C)4\n(D)6\nAnswer:", "(B)"), examples[0]);
        Assert.StartsWith("Rivers carry silt.\nWhat do rivers carry?\n", examples[1].Input);
        Assert.Equal("(A)", examples[1].Target);
    }

    [Fact]
    public async Task Replies_are_scored_by_the_letter_they_give()
    {
        string path = _folder.Write("logiqa-en.jsonl",
            """{"question": "Q1", "options": ["(A)x", "(B)y"], "label": "A"}""" + "\n" +
            """{"question": "Q2", "options": ["(A)x", "(B)y"], "label": "B"}""" + "\n");

        var result = await BbhEvaluation.RunAsync([("logiqa-en", AgievalFile.Read(path))], (_, _) => Task.FromResult<IReadOnlyList<string>>(["The answer is (A).", "A"]));

        Assert.Equal(new TaskScore("logiqa-en", 2, 1, 0), result.Tasks.Single());
    }

    [Theory]
    [InlineData("""{"question": "Q", "options": ["(A)x", "(B)y"], "label": "C"}""", "label")]
    [InlineData("""{"question": "Q", "options": ["(A)x"], "label": "A"}""", "options")]
    [InlineData("""{"options": ["(A)x", "(B)y"], "label": "A"}""", "question")]
    public void A_bad_item_is_named_by_line_and_field(string line, string field)
    {
        string path = _folder.Write("lsat-ar.jsonl", """{"question": "Q", "options": ["(A)x", "(B)y"], "label": "A"}""" + "\n" + line + "\n");

        var error = Assert.Throws<BadInputException>(() => AgievalFile.Read(path));

        Assert.StartsWith($"{path}:2: field \"{field}\"", error.Message);
    }
}
