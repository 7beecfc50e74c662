namespace Lion.Oracle;

/// <summary>
/// The sizes and variants of a family's items in BIG-Bench Hard's public file, mapped to the
/// oracle's knob: each cell's weight is how many of the file's 250 items it stands for. A test
/// set drawn from this mix asks what the benchmark asks, with items the oracle makes (never the
/// benchmark's own). Only the families counted so far have one.
/// </summary>
public static class BenchmarkMix
{
    public sealed record Cell(int Size, string Variant, int Weight);

    private static readonly Dictionary<string, IReadOnlyList<Cell>> Mixes = new()
    {
        // Input lengths run from 2 to 99 brackets, each counted at the nearest size; a third are
        // longer than the largest size. Nearly all use several bracket kinds.
        ["dyck_languages"] = [new(4, "mixed", 58), new(8, "mixed", 58), new(14, "mixed", 31), new(20, "mixed", 19), new(28, "mixed", 84)],
        // 2 to 12 entries, nearest size; the five categories about equally often.
        ["object_counting"] = [.. new[] { (2, 50), (4, 52), (6, 53), (9, 88), (12, 7) }
            .SelectMany(size => new[] { "animals", "fruits", "objects", "vegetables", "musical instruments" }
                .Select(category => new Cell(size.Item1, category, size.Item2)))],
        // Always five people in a chain.
        ["web_of_lies"] = [new(5, "chain", 250)],
    };

    /// <summary>The family's benchmark mix, or null when it has not been counted.</summary>
    public static IReadOnlyList<Cell>? For(string family) => Mixes.GetValueOrDefault(family);

    /// <summary>A cell drawn in proportion to its weight.</summary>
    public static Cell Draw(IReadOnlyList<Cell> mix, Random random)
    {
        int point = random.Next(mix.Sum(c => c.Weight));
        foreach (var cell in mix)
        {
            if (point < cell.Weight)
                return cell;
            point -= cell.Weight;
        }
        return mix[^1];
    }
}
