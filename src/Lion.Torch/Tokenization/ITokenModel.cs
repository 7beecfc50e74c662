namespace Lion.Torch.Tokenization;

/// <summary>The model of a tokenizer.json: turns one pre-tokenized word into token ids.</summary>
internal interface ITokenModel
{
    IReadOnlyDictionary<string, int> Vocabulary { get; }

    void Tokenize(string word, List<int> ids);
}
