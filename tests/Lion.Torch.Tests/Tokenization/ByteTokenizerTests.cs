using System.Text.Json;
using Lion.Tests;
using Lion.Torch.Tokenization;

namespace Lion.Torch.Tests.Tokenization;

public sealed class ByteTokenizerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("Sort: pear apple")]
    [InlineData("こんにちは 🦁\n(A)")]
    [InlineData("")]
    public void Text_round_trips_through_its_bytes(string text)
    {
        var tokenizer = new ByteTokenizer();

        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void Special_tokens_are_left_out_of_decoded_text()
    {
        Assert.Equal("hi", new ByteTokenizer().Decode([ByteTokenizer.Bos, 'h', 'i', ByteTokenizer.Eos, ByteTokenizer.Pad]));
    }

    [Theory]
    [InlineData("hello wörld (A)")]
    [InlineData("Sort the following words alphabetically: List: pear fig\n")]
    [InlineData("こんにちは 🦁\t{x}")]
    public void Hugging_face_tokenizers_reads_our_tokenizer_json_and_encodes_exactly_as_we_do(string text)
    {
        string path = _folder.File("tokenizer.json");
        var ours = new ByteTokenizer();
        ours.Write(path);

        using var theirs = new Tokenizers.DotNet.Tokenizer(path);

        Assert.Equal(ours.Encode(text).Select(id => (uint)id), theirs.Encode(text));
        Assert.Equal(text, theirs.Decode(theirs.Encode(text)));
    }

    [Fact]
    public void The_tokenizer_json_holds_every_byte_and_the_special_tokens()
    {
        string path = _folder.File("tokenizer.json");
        new ByteTokenizer().Write(path);

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var vocabulary = json.RootElement.GetProperty("model").GetProperty("vocab");

        Assert.Equal(ByteTokenizer.VocabularySize, vocabulary.EnumerateObject().Count());
        Assert.Equal((int)'A', vocabulary.GetProperty("A").GetInt32());
        Assert.Equal(32, vocabulary.GetProperty("\u0120").GetInt32());
        Assert.Equal(ByteTokenizer.Eos, vocabulary.GetProperty("</s>").GetInt32());
        Assert.Equal("ByteLevel", json.RootElement.GetProperty("pre_tokenizer").GetProperty("type").GetString());
    }
}
