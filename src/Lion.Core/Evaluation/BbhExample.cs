namespace Lion.Core.Evaluation;

/// <summary>One example of a BIG-Bench Hard task file: the input and the exact target.</summary>
public sealed record BbhExample(string Input, string Target);
