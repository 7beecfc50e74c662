using System.Diagnostics;
using System.Text.Json;
using Lion.Core.Novelty;
using Lion.Tests;

namespace Lion.Bench;

/// <summary>
/// The novelty rule at the paper's scale: 6,000 generated candidates against a 70,000-instruction
/// cache pool. Synthetic, instruction-like text: 3–60 words (median about 11) from a Zipf-like
/// vocabulary, 10 % of candidates near-duplicates made by small edits. Reports the median of
/// three runs, the plain O(m·n) programme's speed on a sample of pairs (same run), the speedup,
/// and mismatches against the plain programme on the first 300 candidates (must be 0).
/// </summary>
internal static class NoveltyBenchmark
{
    public static int Run(string[] args)
    {
        int poolSize = args.Length > 0 ? int.Parse(args[0]) : 70_000;
        int candidateCount = args.Length > 1 ? int.Parse(args[1]) : 6_000;
        var random = new Random(2305);
        var words = Vocabulary(random, 20_000);
        var zipf = ZipfSampler(words.Length, 1.07);
        string Sentence() => string.Join(' ', Enumerable.Range(0, Length(random)).Select(_ => words[zipf(random)]));

        var pool = Enumerable.Range(0, poolSize).Select(_ => Sentence()).ToList();
        var candidates = new List<string>();
        for (int i = 0; i < candidateCount; i++)
        {
            int roll = random.Next(100);
            candidates.Add(roll < 8 ? Edit(random, pool[random.Next(pool.Count)], words, zipf)
                : roll < 10 && candidates.Count > 0 ? Edit(random, candidates[random.Next(candidates.Count)], words, zipf)
                : Sentence());
        }
        var lengths = candidates.Select(c => c.Split(' ').Length).Order().ToList();
        Console.WriteLine($"pool {pool.Count}, candidates {candidates.Count}, median candidate length {lengths[lengths.Count / 2]} words");

        var times = new List<double>();
        IReadOnlyList<NoveltyDecision> decisions = [];
        for (int round = 1; round <= 3; round++)
        {
            var clock = Stopwatch.StartNew();
            var filter = new NoveltyFilter(pool);
            double indexed = clock.Elapsed.TotalSeconds;
            decisions = filter.ConsiderAll(candidates);
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"round {round}: {times[^1]:F2} s (index {indexed:F2} s), kept {decisions.Count(d => d.Kept)}");
        }

        double naivePairsPerSecond = NaiveSpeed(random, pool, candidates);
        double pairs = (double)candidates.Count * pool.Count + (double)candidates.Count * candidates.Count / 2;
        double seconds = Median.Of(times);

        const int Sample = 300;
        var reference = ReferenceNoveltyFilter.Judge(pool, candidates.Take(Sample).ToList());
        var fast = new NoveltyFilter(pool).ConsiderAll(candidates.Take(Sample).ToList());
        int mismatches = reference.Zip(fast).Count(p => p.First.Kept != p.Second.Kept || Math.Abs(p.First.MaxScore - p.Second.MaxScore) > 1e-12);
        Console.WriteLine($"reference check on {Sample} candidates: {mismatches} mismatches");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "novelty",
            candidates = candidates.Count,
            pool = pool.Count,
            kept = decisions.Count(d => d.Kept),
            seconds = Math.Round(seconds, 3),
            naive_pairs_per_s = Math.Round(naivePairsPerSecond),
            naive_seconds_estimate = Math.Round(pairs / naivePairsPerSecond),
            speedup = Math.Round(pairs / naivePairsPerSecond / seconds, 1),
            mismatches,
            cores = Environment.ProcessorCount,
        }));
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>The plain programme on random candidate–pool pairs, one core.</summary>
    private static double NaiveSpeed(Random random, List<string> pool, List<string> candidates)
    {
        var tokenizer = new RougeTokenizer();
        var pairs = Enumerable.Range(0, 200_000)
            .Select(_ => (tokenizer.Tokenize(candidates[random.Next(candidates.Count)]), tokenizer.Tokenize(pool[random.Next(pool.Count)])))
            .ToList();
        var clock = Stopwatch.StartNew();
        long sink = 0;
        foreach (var (a, b) in pairs)
            sink += Lcs.Dynamic(a, b);
        double rate = pairs.Count / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"plain O(m·n) programme: {rate:N0} pairs/s ({sink} total LCS)");
        return rate;
    }

    private static int Length(Random random)
    {
        // Log-normal around 11 words, cut to 3–60.
        double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Clamp((int)Math.Round(Math.Exp(Math.Log(11) + 0.55 * normal)), 3, 60);
    }

    private static string Edit(Random random, string text, string[] words, Func<Random, int> zipf)
    {
        var tokens = text.Split(' ').ToList();
        for (int edits = random.Next(1, 3); edits > 0; edits--)
        {
            int at = random.Next(tokens.Count);
            switch (random.Next(3))
            {
                case 0: tokens[at] = words[zipf(random)]; break;
                case 1: tokens.Insert(at, words[zipf(random)]); break;
                default: if (tokens.Count > 3) tokens.RemoveAt(at); break;
            }
        }
        return string.Join(' ', tokens);
    }

    private static string[] Vocabulary(Random random, int size)
    {
        string[] syllables = ["ka", "lo", "mi", "ren", "sa", "to", "vi", "dan", "el", "or", "us", "pre", "con", "tion", "ing", "al", "er", "st", "ex", "qu"];
        var set = new HashSet<string>();
        while (set.Count < size)
            set.Add(string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => syllables[random.Next(syllables.Length)])) +
                    (set.Count > 400 ? random.Next(10).ToString() : ""));
        return set.ToArray();
    }

    /// <summary>Ranks drawn with probability proportional to 1 / rank^s.</summary>
    private static Func<Random, int> ZipfSampler(int size, double s)
    {
        var cumulative = new double[size];
        double total = 0;
        for (int r = 0; r < size; r++)
            cumulative[r] = total += 1 / Math.Pow(r + 1, s);
        return random =>
        {
            int index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return Math.Min(size - 1, index < 0 ? ~index : index);
        };
    }
}
