using System.Runtime.CompilerServices;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Oracle;

/// <summary>The simulated student behind <see cref="IChatClient"/>, reading the student's prompt format.</summary>
public sealed class SimulatedStudentChatClient(SimulatedStudent student) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string text = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        string question = StudentPrompt.TryParse(text, out var instruction, out var input)
            ? StudentPrompt.Question(instruction, input)
            : text;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, student.Answer(question)))
        {
            FinishReason = ChatFinishReason.Stop,
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
