namespace Lion.Core.Loop;

/// <summary>
/// The checks LION.md puts on a generator reply before novelty: a truncated reply (finish
/// reason "length"), an empty one, a very short one (three words or fewer), one that starts with
/// punctuation or a non-ASCII character, and one that echoes the prompt's own labels are
/// discarded, each with its reason.
/// </summary>
public static class GeneratorReplyFilter
{
    private static readonly string[] Labels =
    [
        "[Seed Instruction]", "[End of Seed Instruction]", "[Kind]", "Seed Instruction", "New Instruction:",
        "#Given Prompt#", "#Created Prompt#", "#Rewritten Prompt#", "Given Prompt", "Created Prompt",
    ];

    /// <summary>The candidate instruction, or null with the reason it was discarded.</summary>
    public static (string? Candidate, string? Reason) Check(string reply, string? finishReason)
    {
        if (finishReason == "length")
            return (null, "truncated");
        string text = reply.Trim().Trim('"').Trim();
        if (text.Length == 0)
            return (null, "empty");
        if (Labels.Any(label => text.Contains(label, StringComparison.OrdinalIgnoreCase)))
            return (null, "echoes_prompt_labels");
        if (text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length <= 3)
            return (null, "too_short");
        char first = text[0];
        if (first > 127)
            return (null, "starts_with_non_ascii");
        if (char.IsPunctuation(first) || char.IsSymbol(first))
            return (null, "starts_with_punctuation");
        return (text, null);
    }
}
