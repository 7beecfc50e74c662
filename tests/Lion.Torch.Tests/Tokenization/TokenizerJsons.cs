using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lion.Torch.Tests.Tokenization;

/// <summary>
/// tokenizer.json files in the three shapes open checkpoints ship, with vocabularies and merges
/// learned here by plain BPE from a small corpus (nothing downloaded): GPT-2-style byte-level BPE
/// (SmolLM2's shape), Qwen2's (an NFC normalizer and its own split regex before the byte-level
/// step), and Llama's SentencePiece-style BPE (a "▁" prepended and spaces replaced, byte fallback).
/// </summary>
internal static class TokenizerJsons
{
    public const string Corpus = """
        The quick brown fox jumps over the lazy dog. Sort the following words alphabetically: List: pear fig apple.
        Question: Ann lies. Bob says Ann lies. Does Bob tell the truth? Answer: Yes. I have a cat, and two fish.
        How many animals do I have? 3. ((-1 + 2) * (3 - -4)) = 7. not ( True ) and ( True ) is False.
        Complete the rest of the sequence, making sure that the parentheses are closed properly: [ { [ ] } ]
        The following paragraphs each describe a set of five objects arranged in a fixed order. Les élèves étudient.
        """;

    private static readonly string[] Specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

    public const string QwenPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly Regex Gpt2Words = new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+");

    public static string Gpt2Style() => ByteLevel(new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
        normalizer: null, words: Gpt2Words.Matches(Corpus).Select(m => m.Value));

    public static string Qwen2Style() => ByteLevel(new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = QwenPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
        },
        normalizer: new JsonObject { ["type"] = "NFC" }, words: new Regex(QwenPattern).Matches(Corpus).Select(m => m.Value));

    private static string ByteLevel(JsonObject preTokenizer, JsonObject? normalizer, IEnumerable<string> words)
    {
        var alphabet = Alphabet();
        var symbols = words.Select(w => Encoding.UTF8.GetBytes(w).Select(b => alphabet[b].ToString()).ToList()).ToList();
        var vocabulary = new List<string>(alphabet.Select(c => c.ToString()));
        var merges = Learn(symbols, vocabulary, 120);
        return Json(vocabulary, merges, normalizer, preTokenizer, new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            byteFallback: false, unknown: null);
    }

    public static string LlamaStyle()
    {
        var words = ("▁" + Corpus.Replace(" ", "▁")).Split('\n').Select(line => line.EnumerateRunes().Select(r => r.ToString()).ToList()).ToList();
        var vocabulary = new List<string> { "<unk>" };
        vocabulary.AddRange(Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"));
        vocabulary.AddRange(words.SelectMany(w => w).Distinct().Order(StringComparer.Ordinal));
        var merges = Learn(words, vocabulary, 120);
        var normalizer = new JsonObject
        {
            ["type"] = "Sequence",
            ["normalizers"] = new JsonArray(
                new JsonObject { ["type"] = "Prepend", ["prepend"] = "▁" },
                new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" }),
        };
        var decoder = new JsonObject
        {
            ["type"] = "Sequence",
            ["decoders"] = new JsonArray(
                new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "▁" }, ["content"] = " " },
                new JsonObject { ["type"] = "ByteFallback" },
                new JsonObject { ["type"] = "Fuse" },
                new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
        };
        return Json(vocabulary, merges, normalizer, null, decoder, byteFallback: true, unknown: "<unk>");
    }

    /// <summary>Plain BPE: the most frequent adjacent pair merged, <paramref name="count"/> times; the vocabulary grows with each merge.</summary>
    private static List<(string, string)> Learn(List<List<string>> words, List<string> vocabulary, int count)
    {
        var merges = new List<(string, string)>();
        for (int m = 0; m < count; m++)
        {
            var pairs = words.SelectMany(w => w.Zip(w.Skip(1))).GroupBy(p => p).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.First + "\u0000" + g.Key.Second, StringComparer.Ordinal).FirstOrDefault();
            if (pairs is null || pairs.Count() < 2)
                break;
            var (a, b) = pairs.Key;
            merges.Add((a, b));
            vocabulary.Add(a + b);
            foreach (var word in words)
                for (int i = 0; i + 1 < word.Count; i++)
                    if (word[i] == a && word[i + 1] == b)
                    {
                        word[i] = a + b;
                        word.RemoveAt(i + 1);
                    }
        }
        return merges;
    }

    private static string Json(List<string> vocabulary, List<(string, string)> merges, JsonObject? normalizer, JsonObject? preTokenizer, JsonObject decoder,
        bool byteFallback, string? unknown)
    {
        var vocab = new JsonObject();
        foreach (var token in vocabulary.Distinct())
            vocab[token] = vocab.Count;
        var added = new JsonArray();
        foreach (var special in Specials)
            added.Add(new JsonObject
            {
                ["id"] = vocab.Count + added.Count, ["content"] = special, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            });
        var model = new JsonObject
        {
            ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = unknown, ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
            ["fuse_unk"] = byteFallback, ["byte_fallback"] = byteFallback, ["vocab"] = vocab,
            ["merges"] = new JsonArray(merges.Select(m => (JsonNode)$"{m.Item1} {m.Item2}").ToArray()),
        };
        return new JsonObject
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null, ["added_tokens"] = added,
            ["normalizer"] = normalizer, ["pre_tokenizer"] = preTokenizer, ["post_processor"] = null, ["decoder"] = decoder, ["model"] = model,
        }.ToJsonString();
    }

    private static char[] Alphabet()
    {
        var chars = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
            chars[b] = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF ? (char)b : (char)(256 + next++);
        return chars;
    }
}
