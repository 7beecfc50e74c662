using Lion.Core.Store;

namespace Lion.Core.Runs;

/// <summary>
/// How a <see cref="RunSession"/> ended. Every outcome leaves the store whole: what was paid for
/// is kept, and running the session again continues from there.
/// </summary>
public abstract record RunOutcome
{
    /// <summary>Every iteration is done.</summary>
    public sealed record Finished : RunOutcome;

    /// <summary>Requests kept failing: <paramref name="Owed"/> items of the stage have no result yet; a rerun asks for exactly them.</summary>
    public sealed record StoppedOwing(int Iteration, LoopStage Stage, int Owed, string Why) : RunOutcome;

    /// <summary>A stage got its replies but nothing the loop can use (no verdict, nothing to train on, nothing kept).</summary>
    public sealed record NothingUsable(int Iteration, LoopStage Stage, string Why) : RunOutcome;

    /// <summary>The next request would pass the configured budget.</summary>
    public sealed record BudgetReached(string Why) : RunOutcome;

    /// <summary>
    /// An endpoint refused the run itself: a parameter the config sets (<paramref name="ConfigKey"/>
    /// names it), an account with no credit, or a key or model it does not accept.
    /// </summary>
    public sealed record Refused(RefusalKind Kind, string Why, string? ConfigKey = null) : RunOutcome;

    /// <summary>A request failed for good where no stage owns it (the student's own endpoint, say).</summary>
    public sealed record RemoteFailed(string Why) : RunOutcome;

    /// <summary>The student could not be trained or served.</summary>
    public sealed record StudentFailed(string Why) : RunOutcome;

    /// <summary>The host cancelled (Ctrl-C); everything finished so far is stored.</summary>
    public sealed record Cancelled : RunOutcome;
}
