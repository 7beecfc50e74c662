namespace Lion.Core.Novelty;

/// <summary>
/// Finds, exactly, the text of a corpus with the highest ROUGE-L F1 against a query (ties go to
/// the earliest text). Texts are visited by how many tokens they share with the query, most
/// first; F1 ≤ 2·shared/(m+n) and LCS ≤ shared, so once no remaining text can beat the best
/// found, the search stops, and a text whose bound is below the best is never aligned. One
/// instance per thread: it owns its scratch arrays.
/// </summary>
internal sealed class SimilaritySearch
{
    private int[] _shared = [];
    private int[] _touched = [];
    private int[] _byShared = [];
    private ulong[] _dense = [];

    /// <summary>The best text and its LCS, or (-1, 0) when no text shares a token with the query.</summary>
    public (int Text, int Lcs) Best(TokenCorpus corpus, int[] query)
    {
        if (query.Length == 0 || corpus.Count == 0)
            return (-1, 0);
        if (_shared.Length < corpus.Count)
        {
            int size = Math.Max(corpus.Count, _shared.Length * 2);
            Array.Resize(ref _shared, size);
            Array.Resize(ref _touched, size);
            Array.Resize(ref _byShared, size);
        }

        int m = query.Length;
        int touched = Accumulate(corpus, query);
        var starts = SortByShared(touched, m);
        var masks = Lcs.MatchMasks(query);
        bool shortQuery = m <= 64;
        if (shortQuery)
            SetDense(query, masks);
        try
        {
            return Search(corpus, starts, m, masks, shortQuery);
        }
        finally
        {
            if (shortQuery)
                foreach (int token in masks.Keys)
                    _dense[token] = 0;
        }
    }

    /// <summary>Counts the tokens each text shares with the query; returns how many texts share any.</summary>
    private int Accumulate(TokenCorpus corpus, int[] query)
    {
        int touched = 0;
        var sorted = (int[])query.Clone();
        Array.Sort(sorted);
        for (int i = 0; i < sorted.Length;)
        {
            int token = sorted[i], inQuery = 0;
            while (i < sorted.Length && sorted[i] == token) { i++; inQuery++; }
            if (!corpus.TryPostings(token, out var texts, out var counts))
                continue;
            for (int p = 0; p < texts.Length; p++)
            {
                int text = texts[p];
                if (_shared[text] == 0)
                    _touched[touched++] = text;
                _shared[text] += inQuery == 1 ? 1 : Math.Min(inQuery, counts[p]);
            }
        }
        return touched;
    }

    /// <summary>
    /// Orders the touched texts by shared count, most first (counting sort into
    /// <see cref="_byShared"/>), and clears the counts. Texts sharing k tokens end up at
    /// [starts[k], starts[k - 1]). Order within a count does not matter: ties are settled by index.
    /// </summary>
    private int[] SortByShared(int touched, int m)
    {
        var starts = new int[m + 1];
        for (int i = 0; i < touched; i++)
            starts[_shared[_touched[i]]]++;
        // Runs from k = m down to 1: starts[k] = number of texts sharing more than k.
        int position = 0;
        for (int k = m; k >= 0; k--)
        {
            int count = starts[k];
            starts[k] = position;
            position += count;
        }
        var next = (int[])starts.Clone();
        for (int i = 0; i < touched; i++)
        {
            int text = _touched[i];
            _byShared[next[_shared[text]]++] = text;
            _shared[text] = 0;
        }
        return starts;
    }

    private void SetDense(int[] query, Dictionary<int, ulong[]> masks)
    {
        int largest = query.Max();
        if (_dense.Length <= largest)
            Array.Resize(ref _dense, Math.Max(largest + 1, _dense.Length * 2));
        foreach (var (token, mask) in masks)
            _dense[token] = mask[0];
    }

    private (int Text, int Lcs) Search(TokenCorpus corpus, int[] starts, int m, Dictionary<int, ulong[]> masks, bool shortQuery)
    {
        int bestText = -1, bestLcs = 0, bestLength = 1;
        for (int shared = m; shared >= 1; shared--)
        {
            int from = starts[shared], to = starts[shared - 1];
            if (from == to)
                continue;
            // The best any text sharing this many tokens can do: LCS = shared, n = shared.
            if (bestText >= 0 && Compare(shared, m + shared, bestLcs, m + bestLength) < 0)
                break;
            for (int i = from; i < to; i++)
            {
                int text = _byShared[i];
                var tokens = corpus.Tokens(text);
                int n = tokens.Length;
                int order = bestText < 0 ? 1 : Compare(shared, m + n, bestLcs, m + bestLength);
                if (order < 0 || order == 0 && text > bestText)
                    continue;
                int lcs = shortQuery ? Lcs.BitParallelShort(m, _dense, tokens) : Lcs.BitParallel(m, masks, tokens);
                int better = bestText < 0 ? 1 : Compare(lcs, m + n, bestLcs, m + bestLength);
                if (better > 0 || better == 0 && text < bestText)
                    (bestText, bestLcs, bestLength) = (text, lcs, n);
            }
        }
        return (bestText, bestLcs);
    }

    /// <summary>Compares 2a/b with 2c/d exactly.</summary>
    private static int Compare(int a, int b, int c, int d) => ((long)a * d).CompareTo((long)c * b);
}
