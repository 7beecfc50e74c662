namespace Lion.Core.Novelty;

/// <summary>
/// rouge_score's tokenisation without stemming: lowercase, every run of characters outside
/// [a-z0-9] is a separator, empty pieces dropped. Tokens are interned to ids so comparisons are
/// integer comparisons.
/// </summary>
public sealed class RougeTokenizer
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int VocabularySize { get { lock (_gate) return _ids.Count; } }

    public int[] Tokenize(string text)
    {
        var tokens = new List<int>();
        var current = new System.Text.StringBuilder();
        foreach (char c in text)
        {
            char lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                current.Append(lower);
            }
            else if (current.Length > 0)
            {
                tokens.Add(Intern(current.ToString()));
                current.Clear();
            }
        }
        if (current.Length > 0)
            tokens.Add(Intern(current.ToString()));
        return tokens.ToArray();
    }

    /// <summary>The tokens as rouge_score would print them; for tests and diagnostics.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (char c in text + " ")
        {
            char lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
                current.Append(lower);
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        return words;
    }

    private int Intern(string token)
    {
        lock (_gate)
        {
            if (!_ids.TryGetValue(token, out int id))
                _ids[token] = id = _ids.Count;
            return id;
        }
    }
}
