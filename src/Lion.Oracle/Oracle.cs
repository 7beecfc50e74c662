using Lion.Core.Config;
using Lion.Oracle.Families;

namespace Lion.Oracle;

/// <summary>The task families the oracle knows, and the dispatch from an item's text to its family.</summary>
public static class Oracle
{
    public static IReadOnlyList<ITaskFamily> Families { get; } =
    [
        new BooleanExpressions(), new MultistepArithmetic(), new WordSorting(), new DyckLanguages(), new Navigate(),
        new WebOfLies(), new TrackingShuffledObjects(), new LogicalDeduction(), new ObjectCounting(),
    ];

    public static ITaskFamily Family(string name) =>
        Families.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"no task family is named \"{name}\"", nameof(name));

    /// <exception cref="UnsolvableItemException">No family recognises the item, or a clause does not parse.</exception>
    public static Solution Solve(string input)
    {
        string item = input.Trim();
        var family = Families.FirstOrDefault(f => f.Recognises(item))
                     ?? throw new UnsolvableItemException("no task family recognises this item");
        return family.Solve(item);
    }

    /// <summary>
    /// A new item like <paramref name="seed"/>: hard keeps its family, size and variant; easy keeps
    /// the family and takes a rarer variant, at the seed's size or, where that variant needs more,
    /// the next size that has it (for a family with one variant, a size at the edge). With
    /// <see cref="EasyMove.Larger"/>, easy starts from the next size up, the largest staying where it is.
    /// </summary>
    public static TaskItem Like(Solution seed, bool hard, Random random, EasyMove move = EasyMove.Rarer)
    {
        var family = Family(seed.Shape.Family);
        if (hard)
            return family.Generate(random, seed.Shape.Size, seed.Shape.Variant);
        int from = move == EasyMove.Larger ? family.Sizes.FirstOrDefault(s => s > seed.Shape.Size, seed.Shape.Size) : seed.Shape.Size;
        var others = family.Variants.Where(v => v != seed.Shape.Variant)
            .Select(v => (Variant: v, Size: family.Sizes.Where(s => s >= from).FirstOrDefault(s => family.Exists(s, v))))
            .Where(other => other.Size > 0)
            .ToList();
        if (others.Count > 0)
        {
            // Later variants are rarer: weight them up.
            var weighted = others.SelectMany(o => Enumerable.Repeat(o, 1 + family.Variants.ToList().IndexOf(o.Variant))).ToList();
            var (variant, size) = random.Pick(weighted);
            return family.Generate(random, size, variant);
        }
        if (move == EasyMove.Larger && from != seed.Shape.Size)
            return family.Generate(random, from, seed.Shape.Variant);
        int corner = seed.Shape.Size == family.Sizes[^1] ? family.Sizes[0] : family.Sizes[^1];
        return family.Generate(random, corner, seed.Shape.Variant);
    }
}
