using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Lion.Testing;

/// <summary>
/// A stand-in model that answers "echo: " and the last user message, word by word when
/// streaming, cut at max output tokens (one word a token) with finish reason "length".
/// Deterministic and instant: for checking a client, a gateway or the endpoint itself.
/// </summary>
public sealed class EchoChatClient : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var (words, truncated) = Answer(messages, options);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Join(' ', words)))
        {
            FinishReason = truncated ? ChatFinishReason.Length : ChatFinishReason.Stop,
            ModelId = options?.ModelId,
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (words, truncated) = Answer(messages, options);
        for (int i = 0; i < words.Count; i++)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]);
        }
        yield return new ChatResponseUpdate { FinishReason = truncated ? ChatFinishReason.Length : ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    private static (List<string> Words, bool Truncated) Answer(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        string question = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var words = ("echo: " + question).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int limit = options?.MaxOutputTokens ?? int.MaxValue;
        return words.Count > limit ? (words[..limit], true) : (words, false);
    }
}
