namespace Lion.Core.Data;

/// <summary>An instruction on its way out of a run, with the stable id formats like ShareGPT carry, and where it came from when asked.</summary>
public sealed record DatasetRecord(string Id, InstructionRecord Instruction, Provenance? Provenance = null);
