namespace Lion.Oracle;

/// <summary>One task item as BIG-Bench Hard writes it: the input text and the exact target.</summary>
public sealed record TaskItem(string Input, string Target);
