using System.Text.Json;
using Lion.Core.Novelty;

namespace Lion.Bench;

/// <summary>
/// How much of what the oracle's generator writes the paper's novelty rule lets through, per
/// family: 40 seeds a family at the demo's sizes form the pool, and five "hard" items are made
/// from each seed (same family, size and variant, as the loop asks) and offered to the filter in
/// turn (ROUGE-L F1 &gt; 0.7 against the pool or an earlier kept item rejects). A family whose
/// items are templated keeps next to nothing, and then the referee's verdicts cannot turn into
/// new training data for it. Argument: [threshold] (the paper's 0.7 by default).
/// </summary>
internal static class GeneratorNoveltyBenchmark
{
    private const int SeedsPerFamily = 40;
    private const int ItemsPerSeed = 5;

    public static int Run(string[] args)
    {
        double threshold = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0.7;
        var random = new Random(1);
        var seeds = Oracle.Oracle.Families.SelectMany(family => Enumerable.Range(0, SeedsPerFamily).Select(i =>
            (Family: family.Name, Text: family.Generate(random, family.Sizes[i % Math.Min(2, family.Sizes.Count)], family.Variants[i % family.Variants.Count]).Input))).ToList();
        var filter = new NoveltyFilter(seeds.Select(s => s.Text), threshold);
        var kept = new Dictionary<string, double>();
        foreach (var family in seeds.GroupBy(s => s.Family))
        {
            int passed = 0;
            foreach (var (_, text) in family)
                for (int k = 0; k < ItemsPerSeed; k++)
                    if (filter.Consider(Oracle.Oracle.Like(Oracle.Oracle.Solve(text), hard: true, random).Input).Kept)
                        passed++;
            kept[family.Key] = Math.Round(passed / (double)(SeedsPerFamily * ItemsPerSeed), 3);
            Console.WriteLine($"{family.Key,-28} {passed,4}/{SeedsPerFamily * ItemsPerSeed} novel");
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "generator-novelty",
            threshold,
            seeds_per_family = SeedsPerFamily,
            items_per_seed = ItemsPerSeed,
            kept_share = kept,
            overall = Math.Round(kept.Values.Average(), 3),
        }));
        return 0;
    }
}
