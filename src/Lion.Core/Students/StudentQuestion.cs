namespace Lion.Core.Students;

/// <summary>An instruction and its optional input, for the student to answer.</summary>
public sealed record StudentQuestion(string Instruction, string Input);
