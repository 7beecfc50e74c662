using Lion.Core.Store;
using Lion.Core.Students;

namespace Lion.Core.Loop;

/// <summary>
/// Imitation: the teacher answers the train pool (or, with train_on "all", the cache pool), and
/// the student, continuing from where the last iteration left it, is fine-tuned on the complete
/// (instruction, answer) pairs. The new checkpoint is recorded with the stage and becomes the
/// run's `student/` folder.
/// </summary>
internal static class ImitationStage
{
    public static async Task<string> RunAsync(LoopContext context, int iteration, CancellationToken cancellationToken)
    {
        var store = context.Store;
        context.Started(iteration, LoopStage.Imitation);
        var train = store.Loop.PoolMembers(context.Config.TrainOn == Config.TrainingData.All ? Pool.Cache : Pool.Train, iteration);
        await TeacherAnswers.EnsureAsync(context, iteration, LoopStage.Imitation, train, "train-pool", cancellationToken);

        var answers = store.Loop.TeacherAnswers();
        var examples = train
            .Where(item => answers.TryGetValue(item.Id, out var answer) && answer.IsComplete)
            .Select(item => new TrainingExample(item.Instruction, item.Input, answers[item.Id].Text))
            .ToList();
        int refused = train.Count(item => answers.TryGetValue(item.Id, out var answer) && answer.IsRefused);
        int truncated = train.Count - examples.Count - refused;
        store.Loop.SaveImitationSet(iteration, new ImitationSet(train.Count, examples.Count, truncated, refused));
        if (examples.Count == 0 && train.Count > 0)
            throw new NothingUsableException(iteration, LoopStage.Imitation,
                $"nothing to train on: none of the {train.Count} instructions has a complete teacher answer " +
                $"({truncated} truncated at teacher.max_tokens or empty, {refused} refused by the endpoint or its content filter)");
        string left = examples.Count == train.Count ? "" : $" of {train.Count} ({truncated} truncated or empty, {refused} refused: left out)";
        context.Note($"  student: training on {examples.Count} examples{left}");
        string checkpoint = await context.Student.TrainAsync(examples, context.StudentFolder(iteration), cancellationToken);
        LatestStudent.Publish(store.Folder, checkpoint);
        store.Loop.StageDone(iteration, LoopStage.Imitation, checkpoint);
        return checkpoint;
    }
}
