namespace Lion.Core;

/// <summary>Where an instruction of the pools came from.</summary>
public enum InstructionOrigin
{
    /// <summary>The seed file.</summary>
    Seed,

    /// <summary>Generated from a seed the referee found hard.</summary>
    Hard,

    /// <summary>Generated from a seed the referee found easy.</summary>
    Easy,
}
