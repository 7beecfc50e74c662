using Lion.Core.Evaluation;
using Lion.Core.Store;

namespace Lion.Core.Tests.Store;

public sealed class EvaluationsTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Scores_on_the_two_test_sets_are_kept_and_averaged_apart_even_for_tasks_of_the_same_name()
    {
        using var store = _fixture.CreateRun();

        store.Evaluations.SaveEvaluation(1, TestSet.HeldOut, [new TaskScore("dyck_languages", 100, 60, 0), new TaskScore("web_of_lies", 100, 80, 0)]);
        store.Evaluations.SaveEvaluation(1, TestSet.BenchmarkSized, [new TaskScore("dyck_languages", 100, 10, 0), new TaskScore("web_of_lies", 100, 50, 0)]);

        Assert.Equal([60, 80], store.Evaluations.Scores(TestSet.HeldOut).Select(e => e.Score.Correct));
        Assert.Equal([10, 50], store.Evaluations.Scores(TestSet.BenchmarkSized).Select(e => e.Score.Correct));
        var result = store.Summary.Overview().Results.Single();
        Assert.Equal((0.7, 0.3), (Math.Round(result.HeldOutAccuracy!.Value, 9), Math.Round(result.BenchmarkSizedAccuracy!.Value, 9)));
    }
}
