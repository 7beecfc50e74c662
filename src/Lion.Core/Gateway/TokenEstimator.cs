using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Lion.Core.Gateway;

/// <summary>
/// Estimates the prompt tokens of a request before it is sent, for the tokens-per-minute limit
/// and the budget: the model's own tiktoken encoding for OpenAI model names, otherwise about
/// four characters a token. Each message costs a few tokens of framing on top of its text.
/// </summary>
public sealed class TokenEstimator
{
    private const int TokensPerMessage = 4;
    private readonly Tokenizer? _tokenizer;

    public TokenEstimator(string model)
    {
        try
        {
            _tokenizer = TiktokenTokenizer.CreateForModel(model);
        }
        catch (NotSupportedException)
        {
            _tokenizer = null;
        }
        catch (ArgumentException)
        {
            _tokenizer = null;
        }
    }

    public bool IsExact => _tokenizer is not null;

    public int Count(string text) => _tokenizer?.CountTokens(text) ?? (text.Length + 3) / 4;

    public long CountPrompt(IEnumerable<ChatMessage> messages) =>
        messages.Sum(message => (long)Count(message.Text) + TokensPerMessage) + 3;
}
