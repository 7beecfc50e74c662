using System.Text;
using System.Text.Json.Nodes;

namespace Lion.Torch.Tokenization;

/// <summary>
/// The tokenizer of models made from scratch: one token per UTF-8 byte (ids 0–255) plus
/// &lt;s&gt;, &lt;/s&gt; and &lt;pad&gt;. It writes itself as a Hugging Face tokenizer.json (byte-level
/// BPE with no merges, GPT-2's byte-to-character map), so transformers and llama.cpp
/// converters read the same vocabulary.
/// </summary>
public sealed class ByteTokenizer : ITextTokenizer
{
    public const int Bos = 256;
    public const int Eos = 257;
    public const int Pad = 258;
    public const int VocabularySize = 259;

    int ITextTokenizer.VocabularySize => VocabularySize;

    public void Save(string folder) => Write(Path.Combine(folder, "tokenizer.json"));

    /// <summary>Whether a tokenizer.json is the one this class writes (byte-level BPE, no merges, 259 tokens).</summary>
    public static bool IsOurs(JsonNode tokenizer) =>
        tokenizer["model"]?["type"]?.GetValue<string>() == "BPE"
        && tokenizer["model"]?["merges"] is JsonArray { Count: 0 }
        && tokenizer["model"]?["vocab"] is JsonObject { Count: VocabularySize }
        && tokenizer["pre_tokenizer"]?["type"]?.GetValue<string>() == "ByteLevel";

    public int[] Encode(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    /// <summary>Bytes back to text; special tokens are dropped, broken UTF-8 becomes U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids) =>
        Encoding.UTF8.GetString(ids.Where(id => id is >= 0 and < 256).Select(id => (byte)id).ToArray());

    public void Write(string path)
    {
        var characters = ByteCharacters();
        var vocabulary = new JsonObject();
        for (int b = 0; b < 256; b++)
            vocabulary[characters[b].ToString()] = b;
        var added = new JsonArray();
        foreach (var (id, content) in new[] { (Bos, "<s>"), (Eos, "</s>"), (Pad, "<pad>") })
        {
            vocabulary[content] = id;
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocabulary, ["merges"] = new JsonArray(),
            },
        };
        File.WriteAllText(path, json.ToJsonString() + "\n");
    }

    /// <summary>GPT-2's map from bytes to printable characters, which byte-level BPE vocabularies are written in.</summary>
    internal static char[] ByteCharacters()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}
