namespace Lion.Core.Prompts;

/// <summary>
/// The student's prompt format: Alpaca's, with an optional input block, as the paper's student
/// was trained, or ChatML (one user turn, then the assistant's) as an option.
/// <see cref="TryParse"/> recovers the instruction and input from either, so a teacher that is
/// handed a student-formatted prompt answers the question inside it.
/// </summary>
public static class StudentPrompt
{
    private const string PlainAnswer = "\nAnswer: ";
    private const string ChatMlUser = "<|im_start|>user\n";
    private const string ChatMlEnd = "<|im_end|>\n<|im_start|>assistant\n";

    /// <summary>The prompt in the given format.</summary>
    public static string Format(PromptFormat format, string instruction, string input) => format switch
    {
        PromptFormat.Alpaca => Format(instruction, input),
        PromptFormat.ChatMl => $"{ChatMlUser}{Question(instruction, input)}{ChatMlEnd}",
        PromptFormat.Plain => $"{Question(instruction, input)}{PlainAnswer}",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"the student prompt format is {Vocabulary<PromptFormat>.Listing}"),
    };

    private const string Preamble = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";
    private const string PreambleWithInput = "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.";
    private const string InstructionHeader = "### Instruction:\n";
    private const string InputHeader = "\n\n### Input:\n";
    private const string ResponseHeader = "\n\n### Response:\n";

    public static string Format(string instruction, string input = "") => input.Length == 0
        ? $"{Preamble}\n\n{InstructionHeader}{instruction}{ResponseHeader}"
        : $"{PreambleWithInput}\n\n{InstructionHeader}{instruction}{InputHeader}{input}{ResponseHeader}";

    public static bool TryParse(string prompt, out string instruction, out string input)
    {
        instruction = input = "";
        if (prompt.EndsWith(PlainAnswer, StringComparison.Ordinal))
        {
            instruction = prompt[..^PlainAnswer.Length];
            return true;
        }
        if (prompt.StartsWith(ChatMlUser, StringComparison.Ordinal) && prompt.EndsWith(ChatMlEnd, StringComparison.Ordinal))
        {
            // The question comes back whole: instruction and input are not told apart in ChatML.
            instruction = prompt[ChatMlUser.Length..^ChatMlEnd.Length];
            return true;
        }
        int start = prompt.IndexOf(InstructionHeader, StringComparison.Ordinal);
        int end = prompt.LastIndexOf(ResponseHeader.TrimEnd('\n'), StringComparison.Ordinal);
        if (start < 0 || end < start)
            return false;
        string body = prompt[(start + InstructionHeader.Length)..end];
        int inputAt = body.IndexOf(InputHeader, StringComparison.Ordinal);
        (instruction, input) = inputAt < 0 ? (body, "") : (body[..inputAt], body[(inputAt + InputHeader.Length)..]);
        return true;
    }

    /// <summary>The question a model is asked: the instruction, then the input on its own paragraph.</summary>
    public static string Question(string instruction, string input) =>
        input.Length == 0 ? instruction : $"{instruction}\n\n{input}";
}
