namespace Lion.Core.Data;

/// <summary>
/// What an import left out, by field, with how many records it was dropped from: said once per
/// field after the import, never silently.
/// </summary>
public sealed class DroppedFields
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inRecord = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Counts => _counts;

    internal void Note(string field)
    {
        if (_inRecord.Add(field))
            _counts[field] = _counts.GetValueOrDefault(field) + 1;
    }

    /// <summary>Starts the next record: a field dropped twice from one record counts once.</summary>
    internal void NextRecord() => _inRecord.Clear();

    /// <summary>One line per dropped field, for standard error.</summary>
    public IEnumerable<string> Warnings(string path) => _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c =>
        $"warning: {path}: {Describe(c.Key)} dropped from {c.Value} record{(c.Value == 1 ? "" : "s")} (lion keeps instruction, input and output)");

    private static string Describe(string field) => field.Contains(' ') ? field : $"field \"{field}\"";
}
