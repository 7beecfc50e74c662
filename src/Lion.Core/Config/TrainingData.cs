namespace Lion.Core.Config;

/// <summary>What imitation trains on.</summary>
public enum TrainingData
{
    /// <summary>The train pool X_A: the seeds, then each iteration's new instructions, as LION.md reads the paper.</summary>
    New,

    /// <summary>The cache pool X_B: everything so far (the paper's data totals allow this reading too, and a small student forgets less).</summary>
    All,
}
