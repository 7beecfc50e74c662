namespace Lion.Core.Evaluation;

/// <summary>
/// Zero-shot exact match on BBH-format task files, whatever answers the questions: each reply's
/// final answer is extracted in the form of its target (<see cref="AnswerExtractor"/>) and
/// compared exactly. The average is over tasks, as BBH reports it; overall is over items.
/// </summary>
public static class BbhEvaluation
{
    /// <summary>What the model said to one question, and the answer read from it (null when none could be: wrong, never guessed).</summary>
    public sealed record Reply(string Task, string Input, string Target, string Text, string? Extracted)
    {
        public bool Correct => Extracted == Target;
    }

    public sealed record Result(IReadOnlyList<TaskScore> Tasks, IReadOnlyList<Reply> Replies)
    {
        public double Average => Tasks.Count == 0 ? 0 : Tasks.Average(t => t.Accuracy);

        public double Overall => Tasks.Sum(t => t.Items) is var items and > 0 ? Tasks.Sum(t => t.Correct) / (double)items : 0;
    }

    /// <summary>Asks a model a task's questions and returns its replies in order.</summary>
    public delegate Task<IReadOnlyList<string>> Answerer(IReadOnlyList<string> questions, CancellationToken cancellationToken);

    /// <summary>Scores every file; <paramref name="answer"/> gets a task's questions and returns the replies in order.</summary>
    public static Task<Result> RunAsync(IEnumerable<string> files, Answerer answer, CancellationToken cancellationToken = default) =>
        RunAsync(files.Select(file => (Path.GetFileNameWithoutExtension(file), BbhFile.Read(file))), answer, cancellationToken);

    /// <summary>Scores tasks already read (from BBH files, AGIEval files…).</summary>
    public static async Task<Result> RunAsync(IEnumerable<(string Task, IReadOnlyList<BbhExample> Examples)> tasks, Answerer answer,
        CancellationToken cancellationToken = default)
    {
        var scores = new List<TaskScore>();
        var replies = new List<Reply>();
        foreach (var (task, examples) in tasks)
        {
            var answers = await answer(examples.Select(e => e.Input).ToList(), cancellationToken);
            int correct = 0, unanswered = 0;
            for (int i = 0; i < examples.Count; i++)
            {
                string target = examples[i].Target.Trim();
                string? given = AnswerExtractor.Extract(answers[i], target);
                if (string.IsNullOrEmpty(given)) unanswered++;
                else if (given == target) correct++;
                replies.Add(new Reply(task, examples[i].Input, target, answers[i], string.IsNullOrEmpty(given) ? null : given));
            }
            scores.Add(new TaskScore(task, examples.Count, correct, unanswered));
        }
        return new Result(scores, replies);
    }

    /// <summary>The task files of a folder (*.json, *.jsonl), optionally only the named tasks.</summary>
    public static List<string> Files(string folder, IReadOnlyCollection<string>? tasks = null)
    {
        if (!Directory.Exists(folder))
            throw BadInputException.InFile(folder, "no such folder of task files");
        var files = Directory.GetFiles(folder).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal))
            .Where(f => tasks is null || tasks.Count == 0 || tasks.Contains(Path.GetFileNameWithoutExtension(f)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw BadInputException.InFile(folder, tasks is { Count: > 0 } ? $"holds none of the tasks {string.Join(", ", tasks)}" : "holds no .json or .jsonl task files");
        return files;
    }
}
