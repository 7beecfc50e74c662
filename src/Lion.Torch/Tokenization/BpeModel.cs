using System.Text;
using System.Text.Json.Nodes;
using Lion.Core;

namespace Lion.Torch.Tokenization;

/// <summary>
/// The "BPE" model of a tokenizer.json, as Hugging Face's tokenizers library applies it: a word
/// starts as its characters (a character the vocabulary lacks becomes its UTF-8 bytes as
/// <c>&lt;0xAB&gt;</c> tokens when <c>byte_fallback</c> is on, else the unknown token, fused
/// when <c>fuse_unk</c> is on), then the adjacent pair of lowest merge rank is merged, leftmost
/// first, until no pair has a merge. With <c>ignore_merges</c> a word the vocabulary holds whole
/// is taken whole.
/// </summary>
internal sealed class BpeModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<(string, string), int> _ranks = [];
    private readonly string? _unknown;
    private readonly bool _byteFallback, _fuseUnknown, _ignoreMerges;
    private readonly string _prefix, _suffix;

    public BpeModel(JsonObject model, string path)
    {
        _vocabulary = (model["vocab"] as JsonObject ?? throw BadInputException.InFile(path, "model.vocab is missing"))
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());
        int rank = 0;
        foreach (var merge in model["merges"] as JsonArray ?? [])
        {
            var (left, right) = merge switch
            {
                JsonArray { Count: 2 } pair => (pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>()),
                JsonValue text when text.GetValue<string>().Split(' ') is [var a, var b] => (a, b),
                _ => throw BadInputException.InFile(path, $"model.merges[{rank}] is neither \"a b\" nor [\"a\", \"b\"]"),
            };
            _ranks.TryAdd((left, right), rank++);
        }
        _unknown = model["unk_token"]?.GetValue<string>();
        _byteFallback = model["byte_fallback"]?.GetValue<bool>() == true;
        _fuseUnknown = model["fuse_unk"]?.GetValue<bool>() == true;
        _ignoreMerges = model["ignore_merges"]?.GetValue<bool>() == true;
        _prefix = model["continuing_subword_prefix"]?.GetValue<string>() ?? "";
        _suffix = model["end_of_word_suffix"]?.GetValue<string>() ?? "";
    }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    public void Tokenize(string word, List<int> ids)
    {
        if (_ignoreMerges && _vocabulary.TryGetValue(word, out int whole))
        {
            ids.Add(whole);
            return;
        }
        var symbols = Symbols(word);
        Merge(symbols);
        foreach (var symbol in symbols)
            ids.Add(_vocabulary[symbol]);
    }

    private List<string> Symbols(string word)
    {
        var symbols = new List<string>();
        bool lastUnknown = false;
        var runes = word.EnumerateRunes().ToList();
        for (int i = 0; i < runes.Count; i++)
        {
            string symbol = runes[i].ToString();
            if (i > 0 && _prefix.Length > 0) symbol = _prefix + symbol;
            if (i == runes.Count - 1 && _suffix.Length > 0) symbol += _suffix;
            if (_vocabulary.ContainsKey(symbol))
            {
                symbols.Add(symbol);
                lastUnknown = false;
                continue;
            }
            if (_byteFallback)
            {
                var bytes = Encoding.UTF8.GetBytes(runes[i].ToString()).Select(b => $"<0x{b:X2}>").ToList();
                if (bytes.All(_vocabulary.ContainsKey))
                {
                    symbols.AddRange(bytes);
                    lastUnknown = false;
                    continue;
                }
            }
            if (_unknown is null || !_vocabulary.ContainsKey(_unknown))
                continue; // The library drops a character it cannot represent when there is no unknown token.
            if (!(_fuseUnknown && lastUnknown))
                symbols.Add(_unknown);
            lastUnknown = true;
        }
        return symbols;
    }

    /// <summary>
    /// Merges in rank order as the library does: a queue of adjacent pairs by (rank, position),
    /// each popped pair merged if both its symbols are still there, its new neighbours queued.
    /// </summary>
    private void Merge(List<string> symbols)
    {
        int count = symbols.Count;
        if (count < 2)
            return;
        var text = symbols.ToArray();
        var next = Enumerable.Range(1, count).ToArray();
        var previous = Enumerable.Range(-1, count).ToArray();
        var alive = Enumerable.Repeat(true, count).ToArray();
        var queue = new PriorityQueue<(int Left, string LeftText, string RightText), (int Rank, int Position)>();
        void Offer(int left)
        {
            int right = left >= 0 && left < count ? next[left] : count;
            if (left < 0 || right >= count)
                return;
            if (_ranks.TryGetValue((text[left], text[right]), out int rank) && _vocabulary.ContainsKey(Joined(text[left], text[right])))
                queue.Enqueue((left, text[left], text[right]), (rank, left));
        }
        for (int i = 0; i + 1 < count; i++)
            Offer(i);
        while (queue.TryDequeue(out var pair, out _))
        {
            int left = pair.Left, right = next[left];
            // A pair whose symbols have changed since it was queued is stale.
            if (!alive[left] || right >= count || text[left] != pair.LeftText || text[right] != pair.RightText)
                continue;
            text[left] = Joined(text[left], text[right]);
            alive[right] = false;
            next[left] = next[right];
            if (next[left] < count)
                previous[next[left]] = left;
            Offer(previous[left]);
            Offer(left);
        }
        symbols.Clear();
        for (int i = 0; i < count; i = next[i])
            symbols.Add(text[i]);
    }

    /// <summary>The token two merged symbols make: the second loses its continuing-subword prefix.</summary>
    private string Joined(string left, string right) =>
        left + (_prefix.Length > 0 && right.StartsWith(_prefix, StringComparison.Ordinal) ? right[_prefix.Length..] : right);
}
