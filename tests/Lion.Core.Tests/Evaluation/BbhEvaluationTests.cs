using Lion.Core.Evaluation;
using Lion.Tests;

namespace Lion.Core.Tests.Evaluation;

public sealed class BbhEvaluationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private void Task(string name, params (string Input, string Target)[] examples) =>
        _folder.Write(name, System.Text.Json.JsonSerializer.Serialize(new { examples = examples.Select(e => new { input = e.Input, target = e.Target }) }));

    [Fact]
    public async System.Threading.Tasks.Task Replies_are_scored_by_their_extracted_final_answer()
    {
        Task("web_of_lies.json", ("Q1", "Yes"), ("Q2", "No"));
        Task("logical_deduction_three_objects.json", ("Q3", "(B)"), ("Q4", "(A)"));
        var replies = new Dictionary<string, string>
        {
            ["Q1"] = "Yes", ["Q2"] = "Bob lies, so the answer is Yes.",
            ["Q3"] = "So the answer is (B).", ["Q4"] = "",
        };

        var result = await BbhEvaluation.RunAsync(BbhEvaluation.Files(_folder.Path), (questions, _) => System.Threading.Tasks.Task.FromResult<IReadOnlyList<string>>(questions.Select(q => replies[q]).ToList()));

        Assert.Equal([new TaskScore("logical_deduction_three_objects", 2, 1, 1), new TaskScore("web_of_lies", 2, 1, 0)], result.Tasks);
        Assert.Equal(0.5, result.Average);
        Assert.Equal(0.5, result.Overall);
        Assert.Equal(4, result.Replies.Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_reply_without_an_answer_of_the_targets_form_is_listed_as_such_and_counts_wrong()
    {
        Task("navigate.json", ("Q1", "Yes"), ("Q2", "No"));
        var replies = new Dictionary<string, string> { ["Q1"] = "I am not sure.", ["Q2"] = "No" };

        var result = await BbhEvaluation.RunAsync(BbhEvaluation.Files(_folder.Path), (questions, _) => System.Threading.Tasks.Task.FromResult<IReadOnlyList<string>>(questions.Select(q => replies[q]).ToList()));

        var unclear = result.Replies.Single(r => r.Input == "Q1");
        Assert.Null(unclear.Extracted);
        Assert.False(unclear.Correct);
        Assert.Equal("I am not sure.", unclear.Text);
        Assert.Equal(new TaskScore("navigate", 2, 1, 1), result.Tasks.Single());
    }

    [Fact]
    public void Only_the_named_tasks_are_taken()
    {
        Task("navigate.json", ("Q1", "Yes"));
        Task("word_sorting.json", ("Q2", "a b"));

        Assert.Equal(["navigate"], BbhEvaluation.Files(_folder.Path, ["navigate"]).Select(Path.GetFileNameWithoutExtension));
    }

    [Fact]
    public void A_folder_without_task_files_is_named()
    {
        var error = Assert.Throws<BadInputException>(() => BbhEvaluation.Files(_folder.Path));

        Assert.Contains("holds no .json or .jsonl task files", error.Message);
    }
}
