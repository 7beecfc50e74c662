using System.Runtime.InteropServices;

namespace Lion.Core.Novelty;

/// <summary>
/// Tokenised texts with an inverted index from token to the texts holding it and how often,
/// growing as texts are added. The index gives, for a query, how many tokens each text shares
/// with it (as multisets), which bounds their LCS from above.
/// </summary>
internal sealed class TokenCorpus
{
    private readonly List<int[]> _tokens = [];
    private readonly List<string> _texts = [];
    private readonly Dictionary<int, (List<int> Texts, List<int> Counts)> _postings = [];

    public int Count => _tokens.Count;

    public int[] Tokens(int text) => _tokens[text];

    public string Text(int text) => _texts[text];

    public void Add(string text, int[] tokens)
    {
        int index = _tokens.Count;
        _tokens.Add(tokens);
        _texts.Add(text);
        foreach (var group in tokens.GroupBy(t => t))
        {
            if (!_postings.TryGetValue(group.Key, out var list))
                _postings[group.Key] = list = ([], []);
            list.Texts.Add(index);
            list.Counts.Add(group.Count());
        }
    }

    /// <summary>The texts holding <paramref name="token"/>, in order, and its count in each.</summary>
    public bool TryPostings(int token, out ReadOnlySpan<int> texts, out ReadOnlySpan<int> counts)
    {
        if (!_postings.TryGetValue(token, out var list))
        {
            texts = counts = default;
            return false;
        }
        texts = CollectionsMarshal.AsSpan(list.Texts);
        counts = CollectionsMarshal.AsSpan(list.Counts);
        return true;
    }
}
