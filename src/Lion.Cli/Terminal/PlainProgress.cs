using Lion.Core.Loop;

namespace Lion.Cli.Terminal;

/// <summary>
/// The loop's events as plain lines, for a log or a pipe: every note and score, and counted work
/// once per tenth of the way with its rate and the time left.
/// </summary>
internal sealed class PlainProgress(TextWriter output) : IProgress<LoopEvent>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(int, WorkKind), int> _shown = [];

    public void Report(LoopEvent value)
    {
        lock (_gate)
        {
            if (Line(value) is { } line)
                output.WriteLine(line);
        }
    }

    private string? Line(LoopEvent value) => value switch
    {
        IterationStarted started => EventText.Iteration(started),
        StageNote note => note.Text,
        // Replies against the attempts allowed rarely reach their total: a log shows the kept count alone.
        ItemsDone { Work: WorkKind.GeneratorReplies } => null,
        ItemsDone done when NextTenth(done) => "  " + EventText.Count(done),
        IterationScored scored => "  " + EventText.Score(scored),
        IterationFinished finished => "  " + EventText.Finished(finished),
        _ => null,
    };

    /// <summary>Whether the count crossed a tenth of its total since it was last shown (or is complete).</summary>
    private bool NextTenth(ItemsDone done)
    {
        var key = (done.Iteration, done.Work);
        int shown = _shown.GetValueOrDefault(key, -1);
        int tenth = done.Total > 0 ? (int)(done.Done * 10L / done.Total) : 10;
        if (tenth <= shown)
            return false;
        _shown[key] = tenth;
        return true;
    }
}
