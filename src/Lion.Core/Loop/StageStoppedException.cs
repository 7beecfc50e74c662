namespace Lion.Core.Loop;

/// <summary>
/// A stage that stopped unfinished for a reason outside the run (requests that kept failing, or
/// nothing usable came back): nothing of it is marked done, <see cref="Detail"/> is what `lion
/// status` shows beside it, and the command line exits with code 2.
/// </summary>
public abstract class StageStoppedException(int iteration, Store.LoopStage stage, string detail, string message) : Exception(message)
{
    public int Iteration { get; } = iteration;
    public Store.LoopStage Stage { get; } = stage;
    public string Detail { get; } = detail;
}
