namespace Lion.Core.Data;

/// <summary>An instruction on its way out of a run, with the stable id formats like ShareGPT carry.</summary>
public sealed record DatasetRecord(string Id, InstructionRecord Instruction);
