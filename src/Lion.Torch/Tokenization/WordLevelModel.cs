using System.Text.Json.Nodes;
using Lion.Core;

namespace Lion.Torch.Tokenization;

/// <summary>The "WordLevel" model of a tokenizer.json: each word is a token, or the unknown token.</summary>
internal sealed class WordLevelModel(JsonObject model, string path) : ITokenModel
{
    private readonly Dictionary<string, int> _vocabulary = (model["vocab"] as JsonObject ?? throw BadInputException.InFile(path, "model.vocab is missing"))
        .ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());

    private readonly string? _unknown = model["unk_token"]?.GetValue<string>();

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    public void Tokenize(string word, List<int> ids)
    {
        if (_vocabulary.TryGetValue(word, out int id))
            ids.Add(id);
        else if (_unknown is not null && _vocabulary.TryGetValue(_unknown, out int unknown))
            ids.Add(unknown);
        else
            throw new ArgumentException($"\"{word}\" is not in the vocabulary and the tokenizer has no unknown token");
    }
}
