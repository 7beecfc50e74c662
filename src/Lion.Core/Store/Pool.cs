namespace Lion.Core.Store;

/// <summary>The paper's two pools of instructions.</summary>
public enum Pool
{
    /// <summary>X_A: what the next imitation trains on (the seeds, then each iteration's new instructions).</summary>
    Train,

    /// <summary>X_B: everything so far; the referee judges the student on it.</summary>
    Cache,
}
