using System.Net.Http;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Runs;

/// <summary>
/// The three roles of a run as one chat client, answering by rule so a test knows what a run must
/// do. Teacher: "answer to …" the question. Referee: 9 for an answer that is the teacher's, 2 for
/// any other, in the paper's score lines. Generator: a new instruction of words drawn by the
/// request's seed (so slot order, not timing, decides it). Requests can be made to fail, as a
/// connection that drops.
/// </summary>
internal sealed class ScriptedRoles : IChatClient
{
    private static readonly string[] Words = Enumerable.Range(0, 400).Select(i => $"w{i:x}q").ToArray();
    private int _requests, _failFrom = int.MaxValue;

    /// <summary>After <paramref name="more"/> more answers, every request fails as a dropped connection would.</summary>
    public void FailAfter(int more) => Volatile.Write(ref _failFrom, _requests + more + 1);

    /// <summary>Requests are answered again.</summary>
    public void Heal() => Volatile.Write(ref _failFrom, int.MaxValue);

    public int Requests => _requests;

    public static string AnswerTo(string question) => $"answer to {question}";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _requests) >= Volatile.Read(ref _failFrom))
            throw new HttpRequestException("connection dropped (scripted)");
        string text = string.Join("\n", messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        string reply;
        if (GeneratorPrompt.TryParse(text, out string seed, out var kind))
            reply = string.Join(" ", Draw(options?.Seed ?? 0, kind == GenerationKind.Hard ? 7 : 9)) + "?";
        else if (RefereePrompt.TryParse(text, out string question, out string first, out string second))
            reply = $"Evaluation evidence: compared.\nScore of the Assistant 1: {Score(question, first)}\nScore of the Assistant 2: {Score(question, second)}";
        else
            reply = AnswerTo(text);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)) { FinishReason = ChatFinishReason.Stop, ModelId = options?.ModelId });
    }

    private static int Score(string question, string answer) => answer == AnswerTo(question) ? 9 : 2;

    private static IEnumerable<string> Draw(long seed, int count)
    {
        var random = new Random((int)(seed % int.MaxValue));
        return Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)]);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
