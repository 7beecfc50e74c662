namespace Lion.Core.Novelty;

/// <summary>
/// The Lion novelty rule: a candidate is rejected when its ROUGE-L F1 (rouge_score semantics,
/// no stemming) against any pool text, or any candidate kept before it, is above the threshold;
/// exactly at the threshold it is kept. Comparisons are exact rational arithmetic, so the
/// decision at the boundary does not depend on floating-point rounding.
///
/// Candidates are judged in order. <see cref="Consider"/> judges one and remembers it if kept;
/// <see cref="ConsiderAll"/> gives the same decisions for a batch, comparing with the pool on
/// all cores first and then with the kept candidates in order.
/// </summary>
public sealed class NoveltyFilter
{
    private readonly RougeTokenizer _tokenizer = new();
    private readonly TokenCorpus _pool = new();
    private readonly TokenCorpus _kept = new();
    private readonly SimilaritySearch _search = new();
    private readonly decimal _threshold;

    public NoveltyFilter(IEnumerable<string> pool, double threshold = 0.7)
    {
        if (threshold is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the threshold is an F1 between 0 and 1");
        _threshold = (decimal)threshold;
        foreach (var text in pool)
            _pool.Add(text, _tokenizer.Tokenize(text));
    }

    public int PoolSize => _pool.Count;

    public NoveltyDecision Consider(string candidate)
    {
        var tokens = _tokenizer.Tokenize(candidate);
        return Decide(candidate, tokens, _search.Best(_pool, tokens));
    }

    public IReadOnlyList<NoveltyDecision> ConsiderAll(IReadOnlyList<string> candidates)
    {
        var tokens = candidates.Select(_tokenizer.Tokenize).ToArray();
        var againstPool = new (int Text, int Lcs)[candidates.Count];
        Parallel.For(0, candidates.Count, () => new SimilaritySearch(),
            (i, _, search) => { againstPool[i] = search.Best(_pool, tokens[i]); return search; },
            _ => { });
        return candidates.Select((candidate, i) => Decide(candidate, tokens[i], againstPool[i])).ToList();
    }

    /// <summary>Joins the pool result with the kept candidates, decides, and remembers a kept candidate.</summary>
    private NoveltyDecision Decide(string candidate, int[] tokens, (int Text, int Lcs) inPool)
    {
        var inKept = _search.Best(_kept, tokens);
        double poolScore = Score(inPool.Lcs, tokens.Length, inPool.Text < 0 ? 0 : _pool.Tokens(inPool.Text).Length);
        double keptScore = Score(inKept.Lcs, tokens.Length, inKept.Text < 0 ? 0 : _kept.Tokens(inKept.Text).Length);

        bool rejected = Above(inPool.Lcs, tokens.Length, inPool.Text < 0 ? 0 : _pool.Tokens(inPool.Text).Length)
                        || Above(inKept.Lcs, tokens.Length, inKept.Text < 0 ? 0 : _kept.Tokens(inKept.Text).Length);
        // The pool comes first in "earlier", so it wins ties.
        var (score, similar) = inKept.Text >= 0 && keptScore > poolScore
            ? (keptScore, _kept.Text(inKept.Text))
            : (poolScore, inPool.Text >= 0 ? _pool.Text(inPool.Text) : null);
        if (!rejected)
            _kept.Add(candidate, tokens);
        return new NoveltyDecision(!rejected, score, similar);
    }

    private bool Above(int lcs, int m, int n) => m + n > 0 && 2m * lcs > _threshold * (m + n);

    public static double Score(int lcs, int m, int n) => m == 0 || n == 0 ? 0 : 2.0 * lcs / (m + n);
}
