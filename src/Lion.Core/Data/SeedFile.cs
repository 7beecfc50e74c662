namespace Lion.Core.Data;

/// <summary>
/// The records of one seed file, in file order, duplicates included, with the line each record
/// starts on (empty for records that come from no file) and what the import left out.
/// </summary>
public sealed record SeedFile(string Path, SeedFormat Format, IReadOnlyList<InstructionRecord> Records, IReadOnlyList<int>? Lines = null)
{
    public DroppedFields Dropped { get; init; } = new();

    /// <summary>Says on <paramref name="error"/> what the import left out, a line per field.</summary>
    public void WarnAboutDropped(TextWriter error)
    {
        foreach (string warning in Dropped.Warnings(Path))
            error.WriteLine(warning);
    }

    /// <summary>The line record <paramref name="index"/> starts on, 0 when unknown.</summary>
    public int LineOf(int index) => Lines is { } lines && index < lines.Count ? lines[index] : 0;
}
