using Microsoft.Extensions.AI;

namespace Lion.Core.Prompts;

/// <summary>
/// The generator's request: one seed instruction and the kind of new instruction wanted.
/// Hard: the same domain and task type, similar length and difficulty. Easy: the same domain
/// but a rarer, long-tail topic, similar length and difficulty. The reply is the new
/// instruction alone.
/// </summary>
public static class GeneratorPrompt
{
    public const string SystemText = "You write new instructions for testing AI assistants.";

    private const string SeedStart = "[Seed Instruction]\n";
    private const string SeedEnd = "\n[End of Seed Instruction]";
    private const string HardMarker = "[Kind] hard";
    private const string EasyMarker = "[Kind] easy";

    private const string HardTask = """
        Write one new instruction in the same domain and of the same task type as the seed, about as long and as difficult. It must be a new instruction, not a rewording.
        """;

    private const string EasyTask = """
        Write one new instruction in the same domain as the seed but on a rarer, long-tail topic or form, about as long and as difficult.
        """;

    private const string Rules = """
        The new instruction must be answerable on its own and must not mention the seed or any label of this request.
        Reply with the new instruction only.
        """;

    public static IList<ChatMessage> Build(string seedInstruction, GenerationKind kind) =>
    [
        new(ChatRole.System, SystemText),
        new(ChatRole.User,
            $"{(kind == GenerationKind.Hard ? HardMarker : EasyMarker)}\n{SeedStart}{seedInstruction}{SeedEnd}\n\n" +
            $"{(kind == GenerationKind.Hard ? HardTask : EasyTask)}\n{Rules}"),
    ];

    public static bool TryParse(string userText, out string seedInstruction, out GenerationKind kind)
    {
        seedInstruction = "";
        kind = userText.StartsWith(HardMarker, StringComparison.Ordinal) ? GenerationKind.Hard : GenerationKind.Easy;
        if (!userText.StartsWith(HardMarker, StringComparison.Ordinal) && !userText.StartsWith(EasyMarker, StringComparison.Ordinal))
            return false;
        int start = userText.IndexOf(SeedStart, StringComparison.Ordinal);
        int end = userText.LastIndexOf(SeedEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
            return false;
        seedInstruction = userText[(start + SeedStart.Length)..end];
        return true;
    }
}
