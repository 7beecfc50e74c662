using Lion.Core;
using Lion.Core.Loop;
using Lion.Core.Store;

namespace Lion.Cli.Terminal;

/// <summary>The words the command line shows for the loop's events, the same on a terminal and in a log.</summary>
internal static class EventText
{
    public static string Work(WorkKind work) => work switch
    {
        WorkKind.TeacherAnswers => "teacher answers",
        WorkKind.StudentAnswers => "student answers",
        WorkKind.TestAnswers => "test answers",
        WorkKind.PairsJudged => "pairs judged",
        WorkKind.GeneratorReplies => "generator replies",
        WorkKind.InstructionsKept => "new instructions kept",
        _ => Vocabulary<WorkKind>.Word(work),
    };

    public static string Iteration(IterationStarted started) => $"Iteration {started.Iteration} of {started.Iterations}";

    /// <summary>Count, rate and time left: <c>teacher answers: 40/400 (12.5/s, about 29 s left)</c>.</summary>
    public static string Count(ItemsDone done)
    {
        string pace = done.PerSecond > 0 ? $" ({Rate(done.PerSecond)}" + (done.Done < done.Total && done.Left is { } left ? $", about {Duration(left)} left)" : ")") : "";
        return $"{Work(done.Work)}: {done.Done}/{done.Total}{pace}";
    }

    public static string Score(IterationScored scored) =>
        $"{(scored.Set == TestSet.HeldOut ? "held-out" : "benchmark-sized")}: {scored.Average:P1} averaged over {scored.Tasks.Count} tasks " +
        $"({string.Join(", ", scored.Tasks.Select(t => $"{t.Task} {t.Accuracy:P0}"))})";

    public static string Finished(IterationFinished finished) =>
        $"iteration {finished.Iteration} done in {Duration(finished.Took)}" +
        (finished.Iteration < finished.Iterations && finished.RunLeft is { } left ? $"; the run: about {Duration(left)} left" : "");

    public static string Rate(double perSecond) => perSecond >= 10 ? $"{perSecond:F0}/s" : perSecond >= 1 ? $"{perSecond:F1}/s" : $"{perSecond * 60:F1}/min";

    public static string Duration(TimeSpan span) => span.TotalSeconds < 60 ? $"{Math.Max(1, (int)Math.Round(span.TotalSeconds))} s"
        : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : $"{(int)span.TotalHours} h {span.Minutes} min";
}
