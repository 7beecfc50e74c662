using System.Text.Json.Nodes;
using Lion.Core;
using Lion.Torch.Tokenization;
using Lion.Tests;

namespace Lion.Torch.Tests.Tokenization;

/// <summary>
/// The managed tokenizer.json reader against Hugging Face's tokenizers library (its native build,
/// here on Linux), token for token and back to text, on the shapes open checkpoints ship.
/// </summary>
public sealed class HuggingFaceTokenizerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Shapes => ["gpt2", "qwen2", "llama"];

    private static readonly string[] Texts =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Sort the following words alphabetically: List: kenya beth\n",
        "  leading spaces, trailing spaces   ",
        "((-1 + 2) * (3 - -4)) = 7",
        "Les élèves étudient à l'école; naïve café.",
        "こんにちは 世界 🦁 and ZWJ 👩‍💻 emoji",
        "It's what they'll say: I'd, we've, you're.",
        "tabs\tand\r\nnewlines\n\n\nend",
        "<|im_start|>user\nHow many animals do I have?<|im_end|>\n<|im_start|>assistant\n",
        "numbers 1234567890 and 3.14159",
        "",
        "   ",
        "e\u0301 (a decomposed é) and Å",
    ];

    private string Write(string shape)
    {
        string json = shape switch
        {
            "gpt2" => TokenizerJsons.Gpt2Style(),
            "qwen2" => TokenizerJsons.Qwen2Style(),
            _ => TokenizerJsons.LlamaStyle(),
        };
        return _folder.Write($"{shape}-tokenizer.json", json);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Encodes_every_text_to_the_ids_the_tokenizers_library_gives(string shape)
    {
        string path = Write(shape);
        var ours = new HuggingFaceTokenizer(path, JsonNode.Parse(File.ReadAllText(path))!);
        using var theirs = new Tokenizers.DotNet.Tokenizer(path);

        foreach (string text in Texts)
            Assert.True(ours.Encode(text).Select(id => (uint)id).SequenceEqual(theirs.Encode(text)),
                $"{shape}, \"{text}\": ours [{string.Join(", ", ours.Encode(text))}], theirs [{string.Join(", ", theirs.Encode(text))}]");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Decodes_ids_to_the_text_the_tokenizers_library_gives(string shape)
    {
        string path = Write(shape);
        var ours = new HuggingFaceTokenizer(path, JsonNode.Parse(File.ReadAllText(path))!);
        using var theirs = new Tokenizers.DotNet.Tokenizer(path);

        foreach (string text in Texts)
        {
            var ids = theirs.Encode(text);
            Assert.Equal(theirs.Decode(ids), ours.Decode(ids.Select(id => (int)id)));
        }
    }

    [Fact]
    public void A_byte_level_tokenizer_gives_back_any_text_it_was_given()
    {
        string path = Write("qwen2");
        var ours = new HuggingFaceTokenizer(path, JsonNode.Parse(File.ReadAllText(path))!);

        foreach (string text in Texts.Where(t => !t.Contains("<|", StringComparison.Ordinal)))
            Assert.Equal(text.Normalize(System.Text.NormalizationForm.FormC), ours.Decode(ours.Encode(text)));
    }

    [Fact]
    public void A_model_type_it_does_not_read_is_refused_naming_the_file_and_the_type()
    {
        string path = _folder.Write("tokenizer.json", """{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}""");

        var error = Assert.Throws<BadInputException>(() => new HuggingFaceTokenizer(path, JsonNode.Parse(File.ReadAllText(path))!));

        Assert.Contains(path, error.Message);
        Assert.Contains("\"Unigram\"", error.Message);
    }
}
