using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Gateway;

/// <summary>
/// A model double that counts its calls and answers from a script: by default "answer: " and the
/// last message. <see cref="Gate"/>, when set, holds every call until it is released.
/// </summary>
internal sealed class CountingChatClient : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<IReadOnlyList<ChatMessage>, ChatResponse> Reply { get; set; } = messages =>
        new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer: " + messages[^1].Text))
        {
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 },
        };

    public TaskCompletionSource? Gate { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (Gate is { } gate)
            await gate.Task.WaitAsync(cancellationToken);
        return Reply(messages.ToList());
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the layers under the cache only ever see whole requests");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
