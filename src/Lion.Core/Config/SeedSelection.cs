namespace Lion.Core.Config;

/// <summary>How the generation stage picks the seeds it asks new instructions for.</summary>
public enum SeedSelection
{
    /// <summary>The paper: seeds chosen by the referee's verdict, hard ones for hard, easy for easy.</summary>
    Adversarial,

    /// <summary>The ablation: seeds drawn from the whole cache pool, verdicts ignored, same counts.</summary>
    Random,
}
