namespace Lion.Core.Data;

/// <summary>
/// One instruction as the Alpaca format writes it. <see cref="Output"/> is null when the
/// source gave no answer (a plain-text seed, or a record without "output"), which is not the
/// same as an empty answer.
/// </summary>
public sealed record InstructionRecord(string Instruction, string Input = "", string? Output = null);
