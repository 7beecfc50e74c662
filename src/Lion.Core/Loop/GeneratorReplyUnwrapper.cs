using System.Text.RegularExpressions;

namespace Lion.Core.Loop;

/// <summary>
/// The instruction inside a generator reply as chat models write them: "Sure! Here is a new
/// instruction: …", a "New instruction:" label, a fenced block, markdown bold, quotes, or a
/// numbered list of several (the first is taken). The paper's filters then judge the instruction,
/// not its wrapping. A reply with none of these comes back as it is.
/// </summary>
public static partial class GeneratorReplyUnwrapper
{
    /// <summary>The instruction, and whether any wrapping was taken off it.</summary>
    public static (string Instruction, bool Unwrapped) Unwrap(string reply)
    {
        string original = reply.Replace("\r\n", "\n").Trim();
        string text = original;
        string before;
        do
        {
            before = text;
            text = Fenced().Match(text) is { Success: true } fence ? fence.Groups["body"].Value.Trim() : text;
            text = InlinePreamble().Replace(text, "", 1).Trim();
            text = PreambleLine().Replace(text, "", 1).Trim();
            text = Label().Replace(text, "", 1).Trim();
            text = FirstOfList(text);
            text = Enclosed(text);
        }
        while (text != before && text.Length > 0);
        return (text, text != original);
    }

    /// <summary>"1. A\n2. B" → "A": the first item, with any lines that continue it.</summary>
    private static string FirstOfList(string text)
    {
        var lines = text.Split('\n');
        if (!FirstItem().IsMatch(lines[0]) || !lines.Skip(1).Any(line => SecondItem().IsMatch(line)))
            return text;
        var item = new List<string> { FirstItem().Replace(lines[0], "", 1) };
        item.AddRange(lines.Skip(1).TakeWhile(line => !SecondItem().IsMatch(line)));
        return string.Join('\n', item).Trim();
    }

    /// <summary>The text inside one pair of quotes, bold or backticks around the whole of it.</summary>
    private static string Enclosed(string text)
    {
        foreach (var (open, close) in Pairs)
        {
            if (text.Length > open.Length + close.Length && text.StartsWith(open, StringComparison.Ordinal)
                && text.EndsWith(close, StringComparison.Ordinal))
            {
                string inner = text[open.Length..^close.Length];
                // "A" and "B" is two quoted pieces, not one quoted whole.
                if (!inner.Contains(close, StringComparison.Ordinal))
                    return inner.Trim();
            }
        }
        return text;
    }

    private static readonly (string Open, string Close)[] Pairs =
        [("**", "**"), ("__", "__"), ("\"", "\""), ("“", "”"), ("'", "'"), ("‘", "’"), ("«", "»"), ("`", "`")];

    [GeneratedRegex(@"^```[a-zA-Z]*\n(?<body>.*?)\n```$", RegexOptions.Singleline)]
    private static partial Regex Fenced();

    // A short first line that only announces what follows: "Sure! Here is a new instruction:", "Here's one:".
    [GeneratedRegex(@"^(?:(?:sure|certainly|of course|okay|ok|absolutely|great|alright)\b|here(?:'s|’s| is| are)\b)(?=[^\n]{0,60}\b(?:instruction|prompt|task|question|one)\b)[^\n]{0,60}[:.!][ \t]*\n",
        RegexOptions.IgnoreCase)]
    private static partial Regex PreambleLine();

    // The same announcement ending in a colon on the instruction's own line.
    [GeneratedRegex(@"^(?:(?:sure|certainly|of course|okay|ok|absolutely|great|alright)[!.,]?\s+)?here(?:'s|’s| is)\s+(?:a|an|the|one|your)?\s*(?:new|fresh|brand[- ]new)?\s*(?:hard|easy|harder|similar)?\s*(?:instruction|prompt|task|question)\b[^:\n]{0,40}:[ \t]*",
        RegexOptions.IgnoreCase)]
    private static partial Regex InlinePreamble();

    [GeneratedRegex(@"^(?:\*\*|__)?(?:new\s+|created\s+|rewritten\s+)?(?:instruction|prompt)(?:\s*#?\d+)?\s*:\s*(?:\*\*|__)?\s*",
        RegexOptions.IgnoreCase)]
    private static partial Regex Label();

    [GeneratedRegex(@"^\s*1[.)]\s+")]
    private static partial Regex FirstItem();

    [GeneratedRegex(@"^\s*2[.)]\s+")]
    private static partial Regex SecondItem();
}
