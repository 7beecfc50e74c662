using Lion.Core.Novelty;
using Lion.Tests;

namespace Lion.Core.Tests.Novelty;

public sealed class NoveltyFilterTests
{
    private static string Words(int from, int count) => string.Join(' ', Enumerable.Range(from, count).Select(i => $"w{i}"));

    [Fact]
    public void The_score_is_twice_the_lcs_over_the_summed_lengths()
    {
        var filter = new NoveltyFilter(["the quick brown fox jumps"]);

        var decision = filter.Consider("a quick brown dog jumps high");

        // LCS "quick brown jumps" = 3; 2·3 / (6 + 5).
        Assert.Equal(6.0 / 11, decision.MaxScore, 12);
        Assert.Equal("the quick brown fox jumps", decision.MostSimilar);
    }

    [Theory]
    [InlineData(10, 10, 7, true)]
    [InlineData(12, 8, 7, true)]
    [InlineData(10, 10, 8, false)]
    [InlineData(10, 10, 6, true)]
    public void A_score_of_exactly_the_threshold_is_kept_and_only_above_it_rejected(int m, int n, int lcs, bool kept)
    {
        // Pool text: w0..w(n-1). Candidate: the first lcs of them, then fresh words up to m.
        var filter = new NoveltyFilter([Words(0, n)]);

        var decision = filter.Consider(Words(0, lcs) + " " + Words(1000, m - lcs));

        Assert.Equal(kept, decision.Kept);
        Assert.Equal(2.0 * lcs / (m + n), decision.MaxScore, 12);
    }

    [Fact]
    public void A_candidate_is_compared_with_the_candidates_kept_before_it()
    {
        var filter = new NoveltyFilter([]);

        var first = filter.Consider("write a haiku about the autumn sea at dawn");
        var second = filter.Consider("write a haiku about the autumn sea at dusk");

        Assert.True(first.Kept);
        Assert.False(second.Kept);
        Assert.Equal("write a haiku about the autumn sea at dawn", second.MostSimilar);
    }

    [Fact]
    public void A_rejected_candidate_is_not_compared_with_later_ones()
    {
        var filter = new NoveltyFilter([Words(0, 10)]);

        // LCS 9 with the pool text: 18/20, rejected.
        var rejected = filter.Consider(Words(0, 9) + " x");
        // LCS 8 with the rejected candidate (0.8) but 7 with the pool text (exactly 0.7).
        var later = filter.Consider(Words(0, 7) + " x a b");

        Assert.False(rejected.Kept);
        Assert.True(later.Kept);
        Assert.Equal(0.7, later.MaxScore, 12);
        Assert.Equal(Words(0, 10), later.MostSimilar);
    }

    [Fact]
    public void Nothing_in_common_scores_zero_with_no_most_similar_text()
    {
        var decision = new NoveltyFilter(["alpha beta"]).Consider("gamma delta");

        Assert.Equal(new NoveltyDecision(true, 0, null), decision);
    }

    [Fact]
    public void Batch_and_one_by_one_agree_with_the_reference_decision_for_decision()
    {
        var random = new Random(8);
        string[] vocabulary = Enumerable.Range(0, 40).Select(i => $"v{i}").ToArray();
        string Sentence() => string.Join(' ', Enumerable.Range(0, random.Next(1, 14)).Select(_ => vocabulary[(int)Math.Pow(random.Next(1, 41), 1.6) % 40]));
        var pool = Enumerable.Range(0, 150).Select(_ => Sentence()).ToList();
        var candidates = Enumerable.Range(0, 150).Select(i => i % 4 == 0 ? pool[random.Next(pool.Count)] + " v1" : Sentence()).ToList();

        var reference = ReferenceNoveltyFilter.Judge(pool, candidates);
        var batch = new NoveltyFilter(pool).ConsiderAll(candidates);
        var single = new NoveltyFilter(pool);
        var oneByOne = candidates.Select(single.Consider).ToList();

        Assert.Equal(reference.Select(d => d.Kept), batch.Select(d => d.Kept));
        Assert.Equal(reference.Select(d => Math.Round(d.MaxScore, 12)), batch.Select(d => Math.Round(d.MaxScore, 12)));
        Assert.Equal(batch, oneByOne);
        Assert.Contains(batch, d => !d.Kept);
        Assert.Contains(batch, d => d.Kept);
    }

    [Fact]
    public void Ties_name_the_earliest_text()
    {
        var decision = new NoveltyFilter(["red green blue", "red green yellow"]).Consider("red green");

        Assert.Equal("red green blue", decision.MostSimilar);
    }
}
