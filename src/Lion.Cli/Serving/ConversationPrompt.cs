using System.Text;
using Lion.Endpoint;
using Lion.Core;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Serving;

/// <summary>
/// A chat request as the student reads it. ChatML holds whole conversations; the Alpaca and plain
/// formats the student was trained on hold one question, so there a request is one user turn,
/// with any system message put before the question rather than dropped.
/// </summary>
public static class ConversationPrompt
{
    public static string Render(PromptFormat format, IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0 || messages[^1].Role != ChatRole.User)
            throw new InvalidRequestException("the last message must be the user's", "messages");
        if (format == PromptFormat.ChatMl)
            return ChatMl(messages);

        var turns = messages.Where(m => m.Role != ChatRole.System).ToList();
        if (turns.Count != 1)
            throw new InvalidRequestException(
                $"this student's {Vocabulary<PromptFormat>.Word(format)} prompt holds one user turn; the request has {turns.Count} turns (serve a ChatML student for conversations)",
                "messages");
        var system = messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text).ToList();
        string question = string.Join("\n\n", [.. system, turns[0].Text]);
        return StudentPrompt.Format(format, question, "");
    }

    private static string ChatMl(IReadOnlyList<ChatMessage> messages)
    {
        var prompt = new StringBuilder();
        foreach (var message in messages)
            prompt.Append("<|im_start|>").Append(message.Role.Value).Append('\n').Append(message.Text).Append("<|im_end|>\n");
        return prompt.Append("<|im_start|>assistant\n").ToString();
    }
}
