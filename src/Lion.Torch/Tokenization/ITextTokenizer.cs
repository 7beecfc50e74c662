namespace Lion.Torch.Tokenization;

/// <summary>Text to token ids and back, for one model's vocabulary.</summary>
public interface ITextTokenizer
{
    /// <summary>One more than the largest id it can produce: it must fit the model's embedding.</summary>
    int VocabularySize { get; }

    /// <summary>The ids of the text alone: no BOS or EOS (the trainer and decoder add those).</summary>
    int[] Encode(string text);

    /// <summary>The text of the ids, special tokens left out.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>Writes tokenizer.json into a model folder.</summary>
    void Save(string folder);
}
