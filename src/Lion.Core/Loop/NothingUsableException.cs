namespace Lion.Core.Loop;

/// <summary>
/// A stage whose requests were answered but gave nothing the loop can use: no verdict in a whole
/// discrimination, no complete teacher answer to train on, no generated instruction kept.
/// Carrying on would train on nothing or judge nothing, so the run stops and says why.
/// </summary>
public sealed class NothingUsableException(int iteration, Store.LoopStage stage, string why)
    : StageStoppedException(iteration, stage, "nothing usable", $"iteration {iteration}, {Vocabulary<Store.LoopStage>.Word(stage)}: {why}");
