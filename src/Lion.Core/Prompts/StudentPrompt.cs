namespace Lion.Core.Prompts;

/// <summary>
/// The student's prompt format: Alpaca's, with an optional input block, as the paper's student
/// was trained. <see cref="TryParse"/> recovers the instruction and input, so a teacher that is
/// handed a student-formatted prompt answers the question inside it.
/// </summary>
public static class StudentPrompt
{
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
