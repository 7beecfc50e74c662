namespace Lion.Core.Data;

/// <summary>
/// The records of one seed file, in file order, duplicates included, with the line each record
/// starts on (empty for records that come from no file).
/// </summary>
public sealed record SeedFile(string Path, SeedFormat Format, IReadOnlyList<InstructionRecord> Records, IReadOnlyList<int>? Lines = null)
{
    /// <summary>The line record <paramref name="index"/> starts on, 0 when unknown.</summary>
    public int LineOf(int index) => Lines is { } lines && index < lines.Count ? lines[index] : 0;
}
