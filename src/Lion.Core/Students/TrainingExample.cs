namespace Lion.Core.Students;

/// <summary>An instruction (with its optional input) and the teacher's answer to learn.</summary>
public sealed record TrainingExample(string Instruction, string Input, string Output);
