namespace Lion.Core.Loop;

/// <summary>
/// A stage that could not finish because requests kept failing (a connection, a timeout, a 5xx
/// or 429 after every attempt): what it owes stays owed, nothing is marked done, and running the
/// same command again asks for exactly the missing items.
/// </summary>
public sealed class StageIncompleteException(int iteration, Store.LoopStage stage, int owed, string commonFailure, int commonCount, bool outage)
    : StageStoppedException(iteration, stage, $"{owed} owed", Describe(iteration, stage, owed, commonFailure, commonCount, outage))
{
    public int Owed { get; } = owed;

    private static string Describe(int iteration, Store.LoopStage stage, int owed, string failure, int count, bool outage) =>
        $"iteration {iteration}, {Vocabulary<Store.LoopStage>.Word(stage)}: {owed} item{(owed == 1 ? "" : "s")} still owed after every retry" +
        (outage ? " (the endpoint looks down: the stage stopped after failures in a row)" : "") +
        $"; most common failure ({count}x): {failure}";
}
