using Lion.Core;
using Lion.Tests;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Tokenization;

/// <summary>A model folder with its own (non-byte) tokenizer.json, read through Hugging Face's tokenizers library.</summary>
public sealed class TokenizerFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string WordLevel = """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [
           {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
           {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
           {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
         "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
         "model": {"type": "WordLevel", "unk_token": "[UNK]",
                   "vocab": {"[UNK]": 0, "<s>": 1, "</s>": 2, "True": 3, "False": 4, "and": 5, "or": 6, "not": 7, "is": 8}}}
        """;

    private string Folder(int vocabSize)
    {
        manual_seed(2);
        using var model = new LlamaForCausalLM(new LlamaConfig
        {
            VocabSize = vocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            BosTokenId = 1, EosTokenId = 2, MaxPositionEmbeddings = 64, TieWordEmbeddings = true,
        });
        string folder = _folder.File($"model-{vocabSize}");
        HuggingFaceFolder.Save(model, folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), WordLevel);
        return folder;
    }

    [Fact]
    public void A_models_own_tokenizer_is_used_and_kept_with_the_checkpoint()
    {
        var (model, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(Folder(vocabSize: 16));
        using var disposeModel = model;
        using var disposeTokenizer = tokenizer as IDisposable;

        Assert.IsType<HuggingFaceTokenizer>(tokenizer);
        Assert.Equal([3, 5, 4, 8], tokenizer.Encode("True and False is"));

        new SftTrainer(new TrainingOptions { Epochs = 1 }).Train(model, [(tokenizer.Encode("True and False is"), tokenizer.Encode("False"))]);
        string saved = _folder.File("trained");
        HuggingFaceFolder.Save(model, saved, tokenizer);
        var (again, againTokenizer) = HuggingFaceFolder.LoadWithTokenizer(saved);
        using var disposeAgain = again;
        using var disposeAgainTokenizer = againTokenizer as IDisposable;

        Assert.Equal(WordLevel, File.ReadAllText(Path.Combine(saved, "tokenizer.json")));
        var (text, _) = new TextGenerator(again, againTokenizer).Complete("True and False is", new SamplingOptions { MaxNewTokens = 3 });
        Assert.DoesNotContain("<s>", text);
    }

    [Fact]
    public void A_tokenizer_larger_than_the_embedding_is_refused_naming_the_file()
    {
        string folder = Folder(vocabSize: 6);

        var error = Assert.Throws<BadInputException>(() => HuggingFaceFolder.LoadWithTokenizer(folder));

        Assert.Equal($"{Path.Combine(folder, "tokenizer.json")}: its vocabulary (9 tokens) does not fit the model's embedding (vocab_size 6 in config.json)", error.Message);
    }

    [Fact]
    public void Our_own_tokenizer_json_loads_as_the_byte_tokenizer()
    {
        string folder = _folder.File("bytes");
        manual_seed(1);
        using var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1 });
        HuggingFaceFolder.Save(model, folder, new ByteTokenizer());

        var (loaded, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder);
        using var disposeLoaded = loaded;

        Assert.IsType<ByteTokenizer>(tokenizer);
    }
}
