using System.Text.Json;
using System.Text.Json.Nodes;
using Lion.Core;
using Lion.Torch.Model;

namespace Lion.Torch.Tokenization;

/// <summary>Loads a model folder's tokenizer.json, checking that its vocabulary fits the model's embedding.</summary>
public static class TokenizerFile
{
    public static ITextTokenizer Load(string folder, LlamaConfig config)
    {
        string path = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(path))
            throw BadInputException.InFile(folder, "no tokenizer.json");
        JsonNode json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) ?? throw BadInputException.InFile(path, "empty");
        }
        catch (JsonException error)
        {
            throw BadInputException.AtLine(path, (int)(error.LineNumber ?? 0) + 1, "malformed JSON");
        }
        ITextTokenizer tokenizer = ByteTokenizer.IsOurs(json) ? new ByteTokenizer() : new HuggingFaceTokenizer(path, json);
        if (tokenizer.VocabularySize > config.VocabSize)
            throw BadInputException.InFile(path,
                $"its vocabulary ({tokenizer.VocabularySize} tokens) does not fit the model's embedding (vocab_size {config.VocabSize} in config.json)");
        return tokenizer;
    }
}
