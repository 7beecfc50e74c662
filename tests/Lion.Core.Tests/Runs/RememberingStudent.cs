using Lion.Core.Students;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Runs;

/// <summary>
/// A student that learns by heart: after training it answers an instruction it was taught with the
/// teacher's answer, except the ones it "finds hard" (one in three, by a fixed rule), which it
/// never gets right; anything else it does not know. Its checkpoints are files, so a resumed run
/// loads what an earlier process trained.
/// </summary>
internal sealed class RememberingStudent : IStudent
{
    private Dictionary<string, string> _known = [];

    public List<int> TrainedOn { get; } = [];

    public static bool FindsHard(string instruction) => Stable(instruction) % 3 == 0;

    private static uint Stable(string text) => text.Aggregate(2166136261u, (hash, c) => (hash ^ c) * 16777619u);

    public Task LoadAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        _known = checkpoint is null ? [] : File.ReadAllLines(Path.Combine(checkpoint, "known.tsv"))
            .Select(line => line.Split('\t')).ToDictionary(parts => parts[0], parts => parts[1]);
        return Task.CompletedTask;
    }

    public Task<string> TrainAsync(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken)
    {
        TrainedOn.Add(examples.Count);
        foreach (var example in examples)
            _known[example.Instruction] = example.Output;
        Directory.CreateDirectory(outputFolder);
        File.WriteAllLines(Path.Combine(outputFolder, "known.tsv"), _known.Select(k => $"{k.Key}\t{k.Value}"));
        return Task.FromResult(outputFolder);
    }

    public Task<IReadOnlyList<StudentReply>> AnswerAsync(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudentReply>>(questions
            .Select(q => new StudentReply(_known.TryGetValue(q.Instruction, out var answer) && !FindsHard(q.Instruction) ? answer : "I do not know.",
                ChatFinishReason.Stop))
            .ToList());
}
