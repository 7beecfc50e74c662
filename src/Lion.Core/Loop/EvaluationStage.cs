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
        context.Started(iteration, LoopStage.Evaluation);
        foreach (var (set, folder) in sets)
        {
            var tasks = BbhEvaluation.Files(folder).Select(file => (Task: Path.GetFileNameWithoutExtension(file), Examples: BbhFile.Read(file))).ToList();
            var counter = context.Count(iteration, LoopStage.Evaluation, WorkKind.TestAnswers, tasks.Sum(task => task.Examples.Count));
            var result = await BbhEvaluation.RunAsync(tasks, async (questions, token) =>
            {
                var replies = await context.Student.AnswerAsync(questions.Select(q => new StudentQuestion(q, "")).ToList(), token);
                counter.Advance(questions.Count);
                return replies.Select(r => r.Text).ToList();
            }, cancellationToken);
            store.Evaluations.SaveEvaluation(iteration, set, result.Tasks);
            context.Events.Report(new IterationScored(iteration, set, result.Average, result.Tasks));
        }
        store.Loop.StageDone(iteration, LoopStage.Evaluation);
    }
}
