namespace Lion.Oracle;

/// <summary>
/// A procedural task family in BIG-Bench Hard's formats: it recognises its items, solves them
/// exactly, and generates new ones at a given size and variant from a seeded random source,
/// with balanced labels.
/// </summary>
public interface ITaskFamily
{
    string Name { get; }

    /// <summary>The sizes the difficulty knob takes, smallest first; BBH's own size among them.</summary>
    IReadOnlyList<int> Sizes { get; }

    /// <summary>The variants, the commonest first: later ones are the rarer, long-tail forms.</summary>
    IReadOnlyList<string> Variants { get; }

    /// <summary>
    /// Whether items of this size and variant can be made: a variant may need more parts than the
    /// smallest size has (someone speaking of anyone earlier needs three people).
    /// </summary>
    bool Exists(int size, string variant) => Sizes.Contains(size) && Variants.Contains(variant);

    bool Recognises(string input);

    /// <exception cref="UnsolvableItemException">A clause of the item does not parse.</exception>
    Solution Solve(string input);

    /// <exception cref="ArgumentException">No item of this size and variant exists.</exception>
    TaskItem Generate(Random random, int size, string variant);
}
