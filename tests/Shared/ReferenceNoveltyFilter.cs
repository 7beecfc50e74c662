using Lion.Core.Novelty;

namespace Lion.Tests;

/// <summary>
/// The plain way to apply the novelty rule: every candidate against every pool text and every
/// kept candidate with the O(m·n) LCS table, as the reference scripts do. Far too slow at the
/// paper's sizes; kept to check <see cref="NoveltyFilter"/> against, decision for decision.
/// </summary>
public static class ReferenceNoveltyFilter
{
    public static List<NoveltyDecision> Judge(IReadOnlyList<string> pool, IReadOnlyList<string> candidates, double threshold = 0.7)
    {
        var tokens = new Dictionary<string, int[]>();
        var tokenizer = new RougeTokenizer();
        int[] Tokens(string text) => tokens.TryGetValue(text, out var t) ? t : tokens[text] = tokenizer.Tokenize(text);
        decimal limit = (decimal)threshold;

        var kept = new List<string>();
        var decisions = new List<NoveltyDecision>();
        foreach (var candidate in candidates)
        {
            var c = Tokens(candidate);
            bool rejected = false;
            double best = 0;
            string? similar = null;
            foreach (var other in pool.Concat(kept))
            {
                var o = Tokens(other);
                int lcs = Lcs.Dynamic(c, o);
                double score = NoveltyFilter.Score(lcs, c.Length, o.Length);
                rejected |= c.Length + o.Length > 0 && 2m * lcs > limit * (c.Length + o.Length);
                if (score > best)
                    (best, similar) = (score, other);
            }
            if (!rejected)
                kept.Add(candidate);
            decisions.Add(new NoveltyDecision(!rejected, best, similar));
        }
        return decisions;
    }
}
