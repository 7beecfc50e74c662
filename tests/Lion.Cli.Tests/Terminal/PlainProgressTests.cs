using Lion.Cli.Terminal;
using Lion.Core;
using Lion.Core.Evaluation;
using Lion.Core.Loop;
using Lion.Core.Store;

namespace Lion.Cli.Tests.Terminal;

/// <summary>The loop's events as a log shows them: plain lines, counted work once a tenth with its rate and time left.</summary>
public sealed class PlainProgressTests
{
    private static string Render(params LoopEvent[] events)
    {
        var output = new StringWriter();
        var progress = new PlainProgress(output);
        foreach (var e in events)
            progress.Report(e);
        return output.ToString();
    }

    [Fact]
    public void Counted_work_is_a_line_when_it_begins_and_once_a_tenth_with_its_rate_and_the_time_left()
    {
        var events = Enumerable.Range(1, 40)
            .Select(done => new ItemsDone(1, LoopStage.Imitation, WorkKind.TeacherAnswers, done, 40, 4, TimeSpan.FromSeconds((40 - done) / 4.0)))
            .ToArray();

        var lines = Render(events).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(11, lines.Length);
        Assert.Equal("  teacher answers: 1/40 (4.0/s, about 10 s left)", lines[0]);
        Assert.Equal("  teacher answers: 4/40 (4.0/s, about 9 s left)", lines[1]);
        Assert.Equal("  teacher answers: 40/40 (4.0/s)", lines[^1]);
    }

    [Fact]
    public void Iterations_scores_and_notes_are_lines_of_their_own_and_replies_against_attempts_are_left_to_the_bars()
    {
        string text = Render(
            new IterationStarted(2, 3),
            new StageNote("  generator: 300 hard from 10 seeds, 300 easy from 20 seeds"),
            new ItemsDone(2, LoopStage.Generation, WorkKind.GeneratorReplies, 1, 1800, 10, null),
            new IterationScored(2, TestSet.HeldOut, 0.5, [new TaskScore("dyck_languages", 10, 5, 0)]),
            new IterationFinished(2, 3, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(80)));

        Assert.Equal(
            "Iteration 2 of 3\n  generator: 300 hard from 10 seeds, 300 easy from 20 seeds\n" +
            "  held-out: 50.0 % averaged over 1 tasks (dyck_languages 50 %)\n  iteration 2 done in 1 min 15 s; the run: about 1 min 20 s left\n",
            text.Replace("\r\n", "\n"));
    }
}
