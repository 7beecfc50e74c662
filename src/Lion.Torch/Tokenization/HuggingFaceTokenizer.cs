using System.Text.Json.Nodes;

namespace Lion.Torch.Tokenization;

/// <summary>
/// A model's own tokenizer.json through Hugging Face's tokenizers library (Tokenizers.DotNet). A
/// BOS or EOS the tokenizer's post-processor adds is taken off again, since the trainer and the
/// decoder place those themselves.
/// </summary>
public sealed class HuggingFaceTokenizer : ITextTokenizer, IDisposable
{
    private readonly string _path;
    private readonly Tokenizers.DotNet.Tokenizer _tokenizer;
    private readonly int _bos;
    private readonly int _eos;
    private readonly HashSet<int> _special;

    public HuggingFaceTokenizer(string path, JsonNode json, int bos, int eos)
    {
        _path = path;
        _tokenizer = new Tokenizers.DotNet.Tokenizer(path);
        _bos = bos;
        _eos = eos;
        var vocabulary = json["model"]?["vocab"] is JsonObject map ? map.Select(p => p.Value!.GetValue<int>()) : [];
        var added = json["added_tokens"] is JsonArray tokens ? tokens.Select(t => t!["id"]!.GetValue<int>()) : [];
        VocabularySize = vocabulary.Concat(added).DefaultIfEmpty(-1).Max() + 1;
        _special = json["added_tokens"] is JsonArray specials
            ? specials.Where(t => t!["special"]?.GetValue<bool>() == true).Select(t => t!["id"]!.GetValue<int>()).ToHashSet()
            : [];
    }

    public int VocabularySize { get; }

    public int[] Encode(string text)
    {
        var ids = _tokenizer.Encode(text).Select(id => (int)id).ToList();
        if (ids.Count > 0 && ids[0] == _bos) ids.RemoveAt(0);
        if (ids.Count > 0 && ids[^1] == _eos) ids.RemoveAt(ids.Count - 1);
        return [.. ids];
    }

    public string Decode(IEnumerable<int> ids) =>
        _tokenizer.Decode(ids.Where(id => !_special.Contains(id) && id >= 0).Select(id => (uint)id).ToArray());

    public void Save(string folder)
    {
        string target = Path.Combine(folder, "tokenizer.json");
        if (!string.Equals(Path.GetFullPath(target), Path.GetFullPath(_path), StringComparison.Ordinal))
            File.Copy(_path, target, overwrite: true);
    }

    public void Dispose() => _tokenizer.Dispose();
}
