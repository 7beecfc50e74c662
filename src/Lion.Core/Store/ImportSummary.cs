namespace Lion.Core.Store;

/// <summary>What one seed import did: records read, new instructions stored, exact duplicates merged.</summary>
public sealed record ImportSummary(string Source, string Format, int Records, int Added, int Duplicates);
