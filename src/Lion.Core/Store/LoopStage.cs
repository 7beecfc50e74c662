namespace Lion.Core.Store;

/// <summary>The stages of one iteration, in the order they run, each recorded in the store's stage progress.</summary>
public enum LoopStage
{
    Imitation,

    /// <summary>The held-out score after imitation (only when the run names evaluation data).</summary>
    Evaluation,
    Discrimination,
    Generation,
}
