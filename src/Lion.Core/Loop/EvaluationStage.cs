using Lion.Core.Evaluation;
using Lion.Core.Store;
using Lion.Core.Students;

namespace Lion.Core.Loop;

/// <summary>
/// After imitation, the student answers the run's test sets (never trained on) and is scored by
/// exact match, per set and task; the results stay with the iteration so a run shows whether it
/// learns what it is taught and whether that carries to the benchmark's own sizes.
/// </summary>
internal static class EvaluationStage
{
    public static async Task RunAsync(LoopContext context, int iteration, CancellationToken cancellationToken)
    {
        var sets = Config.ConfigReferences.TestSetFolders(context.Config, context.Store.Folder).ToList();
        if (sets.Count == 0)
            return;
        var store = context.Store;
        store.StageStarted(iteration, LoopStage.Evaluation);
        foreach (var (set, folder) in sets)
        {
            var result = await BbhEvaluation.RunAsync(BbhEvaluation.Files(folder), async (questions, token) =>
                (await context.Student.AnswerAsync(questions.Select(q => new StudentQuestion(q, "")).ToList(), token)).Select(r => r.Text).ToList(),
                cancellationToken);
            store.SaveEvaluation(iteration, set, result.Tasks);
            string name = set == TestSet.HeldOut ? "held-out" : "benchmark-sized";
            context.Report($"  {name}: {result.Average:P1} averaged over {result.Tasks.Count} tasks " +
                           $"({string.Join(", ", result.Tasks.Select(t => $"{t.Task} {t.Accuracy:P0}"))})");
        }
        store.StageDone(iteration, LoopStage.Evaluation);
    }
}
