using System.Runtime.CompilerServices;
using Lion.Endpoint;
using Lion.Core.Prompts;
using Lion.Torch.Generation;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Serving;

/// <summary>
/// A student checkpoint as a chat model: the conversation rendered in the student's prompt
/// format, decoded by the shared <see cref="ContinuousBatcher"/> with the request's own sampling
/// options, and the usage counted by the model's tokenizer. Defaults follow OpenAI's API:
/// temperature 1, top_p 1, and as many tokens as the context leaves.
/// </summary>
public sealed class StudentChatClient(ContinuousBatcher batcher, PromptFormat promptFormat) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Updates(messages, options, stream: false, cancellationToken))
            updates.Add(update);
        return updates.ToChatResponse();
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Updates(messages, options, stream: true, cancellationToken);

    private async IAsyncEnumerable<ChatResponseUpdate> Updates(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prompt = ConversationPrompt.Render(promptFormat, messages.ToList());
        var sampling = Sampling(prompt, options);
        await foreach (var update in batcher.Generate(prompt, sampling, stream, cancellationToken))
        {
            if (update.FinishReason is null)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, update.Delta) { ModelId = options?.ModelId };
                continue;
            }
            yield return new ChatResponseUpdate(ChatRole.Assistant,
                [new UsageContent(new UsageDetails { InputTokenCount = update.PromptTokens, OutputTokenCount = update.CompletionTokens, TotalTokenCount = update.PromptTokens + update.CompletionTokens })])
            {
                FinishReason = update.FinishReason,
                ModelId = options?.ModelId,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    /// <summary>The request's sampling options; a request that cannot fit the model's context is refused, never cut silently.</summary>
    private SamplingOptions Sampling(string prompt, ChatOptions? options)
    {
        int context = batcher.ContextLength;
        int promptTokens = batcher.PromptTokens(prompt);
        if (promptTokens >= context)
            throw new InvalidRequestException(
                $"this model's maximum context length is {context} tokens, and the messages take {promptTokens}", "messages");
        int room = context - promptTokens;
        if (options?.MaxOutputTokens is { } asked && asked > room)
            throw new InvalidRequestException(
                $"this model's maximum context length is {context} tokens; the messages take {promptTokens} and max_tokens asks for {asked} more",
                "max_tokens");
        return new SamplingOptions
        {
            Temperature = options?.Temperature ?? 1.0,
            TopP = options?.TopP ?? 1.0,
            MaxNewTokens = options?.MaxOutputTokens ?? room,
            Seed = options?.Seed ?? Random.Shared.NextInt64(),
            Stop = options?.StopSequences?.ToList() ?? [],
        };
    }
}
