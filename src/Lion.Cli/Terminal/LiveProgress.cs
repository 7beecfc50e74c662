using Spectre.Console;

namespace Lion.Cli.Terminal;

/// <summary>
/// The loop's progress as live bars when a person watches a terminal: one bar per kind of
/// counted work (teacher answers, pairs judged, new instructions kept), replaced when a new
/// stage counts again, with the loop's report lines printed above them. Piped or redirected
/// output never gets here: it stays plain lines, which Spectre would otherwise swallow.
/// </summary>
internal sealed class LiveProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private ProgressContext? _context;
    private string _stage = "";

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

    public void Line(string text)
    {
        lock (_gate)
        {
            // The loop announces each iteration; its bars carry the number.
            if (text.StartsWith("Iteration ", StringComparison.Ordinal))
                _stage = text.ToLowerInvariant() + " · ";
            AnsiConsole.MarkupLine(Markup.Escape(text));
        }
    }

    public void Advance(string what, int done, int total)
    {
        lock (_gate)
        {
            if (_context is null)
                return;
            // A new iteration or a new total is the next piece of work: a fresh bar. Counts from
            // concurrent workers arrive slightly out of order, so a bar only moves forward.
            string name = _stage + what;
            if (!_tasks.TryGetValue(name, out var task) || task.MaxValue != Math.Max(total, 1))
            {
                task?.StopTask();
                task = _context.AddTask(Markup.Escape(name), maxValue: Math.Max(total, 1));
                _tasks[name] = task;
            }
            task.Value = Math.Max(task.Value, done);
            if (done >= total)
                task.StopTask();
        }
    }
}
