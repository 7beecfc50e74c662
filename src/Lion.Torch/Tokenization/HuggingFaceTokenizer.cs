using System.Text.Json.Nodes;
using Lion.Core;

namespace Lion.Torch.Tokenization;

/// <summary>
/// A model's own tokenizer.json, read and applied in managed code the way Hugging Face's
/// tokenizers library applies it, so it runs wherever .NET does (Linux, macOS on Apple silicon,
/// Windows): the added tokens are cut out of the text first, each piece between them is
/// normalized, pre-tokenized and tokenized by the model (BPE, with byte-level or byte-fallback
/// vocabularies, or WordLevel), and ids decode through the file's decoder. The BOS and EOS a
/// post-processor would add are not added: the trainer and the decoder place those themselves.
/// </summary>
public sealed class HuggingFaceTokenizer : ITextTokenizer
{
    private readonly string _path;
    private readonly Func<string, string> _normalize;
    private readonly Func<string, IEnumerable<string>> _preTokenize;
    private readonly Func<List<string>, string> _decode;
    private readonly ITokenModel _model;
    private readonly List<(string Content, int Id)> _added;
    private readonly HashSet<int> _special;
    private readonly Dictionary<int, string> _tokens;

    public HuggingFaceTokenizer(string path, JsonNode json)
    {
        _path = path;
        var model = json["model"] as JsonObject ?? throw BadInputException.InFile(path, "no model");
        string type = model["type"]?.GetValue<string>() ?? (model["merges"] is not null ? "BPE" : "");
        _model = type switch
        {
            "BPE" => new BpeModel(model, path),
            "WordLevel" => new WordLevelModel(model, path),
            _ => throw BadInputException.InFile(path, $"model type \"{type}\" is not one lion reads (BPE, WordLevel)"),
        };
        _normalize = TokenizerSteps.Normalizer(json["normalizer"], path);
        _preTokenize = TokenizerSteps.PreTokenizer(json["pre_tokenizer"], path);
        _decode = TokenizerSteps.Decoder(json["decoder"], path);
        var added = (json["added_tokens"] as JsonArray ?? []).Select(t => (Content: t!["content"]!.GetValue<string>(), Id: t["id"]!.GetValue<int>(),
            Special: t["special"]?.GetValue<bool>() == true)).ToList();
        // The longest first, so a token that holds another is found whole.
        _added = added.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).Select(t => (t.Content, t.Id)).ToList();
        _special = added.Where(t => t.Special).Select(t => t.Id).ToHashSet();
        _tokens = _model.Vocabulary.ToDictionary(p => p.Value, p => p.Key);
        foreach (var (content, id) in added.Select(t => (t.Content, t.Id)))
            _tokens[id] = content;
        VocabularySize = _tokens.Keys.DefaultIfEmpty(-1).Max() + 1;
    }

    public int VocabularySize { get; }

    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var (piece, added) in Pieces(text))
        {
            if (added is { } id)
            {
                ids.Add(id);
                continue;
            }
            foreach (var word in _preTokenize(_normalize(piece)))
                if (word.Length > 0)
                    _model.Tokenize(word, ids);
        }
        return [.. ids];
    }

    /// <summary>The text cut at its added tokens: plain pieces, and the added tokens with their ids.</summary>
    private IEnumerable<(string Text, int? Added)> Pieces(string text)
    {
        int start = 0, at = 0;
        while (at < text.Length)
        {
            var found = _added.FirstOrDefault(t => string.CompareOrdinal(text, at, t.Content, 0, t.Content.Length) == 0);
            if (found.Content is null)
            {
                at++;
                continue;
            }
            if (at > start)
                yield return (text[start..at], null);
            yield return (found.Content, found.Id);
            at += found.Content.Length;
            start = at;
        }
        if (start < text.Length)
            yield return (text[start..], null);
    }

    public string Decode(IEnumerable<int> ids)
    {
        var tokens = ids.Where(id => !_special.Contains(id)).Select(id => _tokens.GetValueOrDefault(id)).OfType<string>().ToList();
        return tokens.Count == 0 ? "" : _decode(tokens);
    }

    public void Save(string folder)
    {
        string target = Path.Combine(folder, "tokenizer.json");
        if (!string.Equals(Path.GetFullPath(target), Path.GetFullPath(_path), StringComparison.Ordinal))
            File.Copy(_path, target, overwrite: true);
    }
}
