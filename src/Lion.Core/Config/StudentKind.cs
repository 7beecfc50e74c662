namespace Lion.Core.Config;

/// <summary>Which student a run distils into.</summary>
public enum StudentKind
{
    /// <summary>The oracle's imperfect student, for smoke runs and tests.</summary>
    Simulated,

    /// <summary>Answers through an OpenAI-compatible endpoint, trains by running the configured command (the GPU path).</summary>
    External,

    /// <summary>The in-process TorchSharp student.</summary>
    Torch,
}
