using System.Text.Json;
using Lion.Core.Prompts;
using Lion.Core.Students;
using Microsoft.Extensions.AI;

namespace Lion.Oracle;

/// <summary>
/// The simulated student behind the loop's <see cref="IStudent"/> interface. Its checkpoint is
/// a JSON file listing every question it has been trained on; loading one replays that training,
/// so a resumed run's student is the same student.
/// </summary>
public sealed class SimulatedStudentAdapter(StudentProfile profile, int seed) : IStudent
{
    private const string FileName = "simulated-student.json";
    private SimulatedStudent _student = new(profile, seed);
    private List<string> _trained = [];

    public Task LoadAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        _trained = checkpoint is null ? [] : JsonSerializer.Deserialize<List<string>>(File.ReadAllText(checkpoint)) ?? [];
        _student = new SimulatedStudent(profile, seed);
        _student.Train(_trained);
        return Task.CompletedTask;
    }

    public async Task<string> TrainAsync(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken)
    {
        var questions = examples.Select(e => StudentPrompt.Question(e.Instruction, e.Input)).ToList();
        _student.Train(questions);
        _trained.AddRange(questions);
        Directory.CreateDirectory(outputFolder);
        string checkpoint = Path.GetFullPath(Path.Combine(outputFolder, FileName));
        await File.WriteAllTextAsync(checkpoint + ".partial", JsonSerializer.Serialize(_trained), cancellationToken);
        File.Move(checkpoint + ".partial", checkpoint, overwrite: true);
        return checkpoint;
    }

    public Task<IReadOnlyList<StudentReply>> AnswerAsync(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudentReply>>(questions
            .Select(q => new StudentReply(_student.Answer(StudentPrompt.Question(q.Instruction, q.Input)), ChatFinishReason.Stop))
            .ToList());
}
