namespace Lion.Core.Data;

/// <summary>The records of one seed file, in file order, duplicates included.</summary>
public sealed record SeedFile(string Path, SeedFormat Format, IReadOnlyList<InstructionRecord> Records);
