using Lion.Core.Evaluation;
using Lion.Core.Store;
using Lion.Core.Students;

namespace Lion.Core.Loop;

/// <summary>
/// After imitation, the student answers the held-out tasks (never trained on) and is scored by
/// exact match, per task; the results stay with the iteration so a run shows whether it learns.
/// </summary>
internal static class EvaluationStage
{
    public static async Task RunAsync(LoopContext context, int iteration, CancellationToken cancellationToken)
    {
        if (Config.ConfigReferences.HeldOutFolder(context.Config, context.Store.Folder) is not { } folder)
            return;
        var store = context.Store;
        store.StageStarted(iteration, LoopStage.Evaluation);
        var files = BbhEvaluation.Files(folder);
        var result = await BbhEvaluation.RunAsync(files, async (questions, token) =>
            (await context.Student.AnswerAsync(questions.Select(q => new StudentQuestion(q, "")).ToList(), token)).Select(r => r.Text).ToList(),
            cancellationToken);
        store.SaveEvaluation(iteration, result.Tasks);
        context.Report($"  held-out: {result.Average:P1} averaged over {result.Tasks.Count} tasks " +
                       $"({string.Join(", ", result.Tasks.Select(t => $"{t.Task} {t.Accuracy:P0}"))})");
        store.StageDone(iteration, LoopStage.Evaluation);
    }
}
