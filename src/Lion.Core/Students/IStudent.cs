namespace Lion.Core.Students;

/// <summary>
/// The student model, whatever runs it: in-process (TorchSharp), an external trainer and server,
/// or a simulator. It holds one loaded checkpoint, answers questions with it, and fine-tunes it
/// into a new checkpoint. Checkpoints are names the student can load again after a restart.
/// </summary>
public interface IStudent
{
    /// <summary>Makes <paramref name="checkpoint"/> the one that answers; null is the base model.</summary>
    Task LoadAsync(string? checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Fine-tunes the loaded checkpoint on <paramref name="examples"/> (loss on the answers only),
    /// writes the result under <paramref name="outputFolder"/>, loads it, and returns its name.
    /// </summary>
    Task<string> TrainAsync(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken);

    /// <summary>Answers each question with the loaded checkpoint, in order.</summary>
    Task<IReadOnlyList<StudentReply>> AnswerAsync(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken);
}
