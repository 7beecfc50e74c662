using Lion.Core.Loop;
using Spectre.Console;

namespace Lion.Cli.Terminal;

/// <summary>
/// The loop's events as live bars when a person watches a terminal: one bar per kind of counted
/// work and iteration, with its rate and time left, and the loop's notes and scores printed above
/// them. Piped or redirected output never gets here: it stays plain lines, which Spectre would
/// otherwise swallow.
/// </summary>
internal sealed class LiveProgress : IProgress<LoopEvent>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(int, WorkKind), ProgressTask> _tasks = [];
    private ProgressContext? _context;

    /// <summary>True when standard output is an interactive terminal that can redraw bars.</summary>
    public static bool Available(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public async Task<T> RunAsync<T>(Func<LiveProgress, Task<T>> work)
    {
        var display = AnsiConsole.Progress().AutoClear(false).HideCompleted(false).Columns(
            new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());
        return await display.StartAsync(async context =>
        {
            _context = context;
            return await work(this);
        });
    }

    public void Report(LoopEvent value)
    {
        lock (_gate)
        {
            switch (value)
            {
                case IterationStarted started:
                    Print(EventText.Iteration(started));
                    break;
                case StageNote note:
                    Print(note.Text);
                    break;
                case IterationScored scored:
                    Print("  " + EventText.Score(scored));
                    break;
                case IterationFinished finished:
                    // Counts that stop short of their total (replies against the attempts allowed) end with their iteration.
                    foreach (var ((iteration, _), task) in _tasks.Where(t => t.Key.Item1 == finished.Iteration))
                        task.StopTask();
                    Print("  " + EventText.Finished(finished));
                    break;
                case ItemsDone done:
                    Advance(done);
                    break;
            }
        }
    }

    private static void Print(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));

    private void Advance(ItemsDone done)
    {
        if (_context is null)
            return;
        // A new iteration or a new total is the next piece of work: a fresh bar.
        var key = (done.Iteration, done.Work);
        string description = Markup.Escape($"iteration {done.Iteration} · {EventText.Work(done.Work)}" + (done.PerSecond > 0 ? $" · {EventText.Rate(done.PerSecond)}" : ""));
        if (!_tasks.TryGetValue(key, out var task) || task.MaxValue != Math.Max(done.Total, 1))
        {
            task?.StopTask();
            task = _context.AddTask(description, maxValue: Math.Max(done.Total, 1));
            _tasks[key] = task;
        }
        task.Description = description;
        task.Value = Math.Max(task.Value, done.Done);
        if (done.Done >= done.Total)
            task.StopTask();
    }
}
