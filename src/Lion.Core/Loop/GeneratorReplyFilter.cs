using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// The checks LION.md puts on a generator reply before novelty: a truncated reply (finish
/// reason "length"), an empty one, a very short one (three words or fewer), one that starts with
/// punctuation or a non-ASCII character, and one that echoes the prompt's own labels are
/// discarded, each with its reason; so is a refusal ("I'm sorry, …"), which is no instruction.
/// The checks apply to the instruction taken out of its wrapping (<see cref="GeneratorReplyUnwrapper"/>).
/// </summary>
public static partial class GeneratorReplyFilter
{
    private static readonly string[] Labels =
    [
        "[Seed Instruction]", "[End of Seed Instruction]", "[Kind]", "Seed Instruction", "New Instruction:",
        "#Given Prompt#", "#Created Prompt#", "#Rewritten Prompt#", "Given Prompt", "Created Prompt",
    ];

    /// <summary>The candidate instruction, or null with the reason it was discarded.</summary>
    public static (string? Candidate, RejectReason? Reason) Check(string reply, ChatFinishReason? finishReason)
    {
        var (candidate, reason, _) = CheckUnwrapped(reply, finishReason);
        return (candidate, reason);
    }

    /// <summary>As <see cref="Check"/>, and whether the reply came wrapped.</summary>
    public static (string? Candidate, RejectReason? Reason, bool Unwrapped) CheckUnwrapped(string reply, ChatFinishReason? finishReason)
    {
        if (finishReason == ChatFinishReason.Length)
            return (null, RejectReason.Truncated, false);
        var (text, unwrapped) = GeneratorReplyUnwrapper.Unwrap(reply);
        var (candidate, reason) = Filter(text);
        return (candidate, reason, unwrapped);
    }

    private static (string? Candidate, RejectReason? Reason) Filter(string text)
    {
        if (text.Length == 0)
            return (null, RejectReason.Empty);
        if (Refusal().IsMatch(text))
            return (null, RejectReason.Refusal);
        if (Labels.Any(label => text.Contains(label, StringComparison.OrdinalIgnoreCase)))
            return (null, RejectReason.EchoesPromptLabels);
        if (text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length <= 3)
            return (null, RejectReason.TooShort);
        char first = text[0];
        if (first > 127)
            return (null, RejectReason.StartsWithNonAscii);
        if (char.IsPunctuation(first) || char.IsSymbol(first))
            return (null, RejectReason.StartsWithPunctuation);
        return (text, null);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:i'm sorry|i am sorry|sorry|i cannot|i can't|i can’t|i'm unable|i am unable|as an ai)\b",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex Refusal();
}
