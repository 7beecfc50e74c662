using System.Text.RegularExpressions;

namespace Lion.Core.Evaluation;

/// <summary>
/// Finds the final answer in a free-text reply, in the form of the expected target: an option
/// letter "(B)", Yes/No, True/False, an integer, or a sequence (words, brackets). A reply that
/// states "the answer is X" is taken at its word; otherwise the last thing of the right form.
/// Null when the reply holds nothing of that form.
/// </summary>
public static partial class AnswerExtractor
{
    public static string? Extract(string reply, string target)
    {
        string text = reply.Trim();
        string stated = AnswerIs().Match(text) is { Success: true } said ? said.Groups["answer"].Value.Trim().TrimEnd('.') : text;
        return KindOf(target) switch
        {
            AnswerKind.Letter => Last(Letter(), stated) is { } letter ? $"({letter.Groups["letter"].Value})" : null,
            AnswerKind.YesNo => Last(YesNo(), stated)?.Value is { } yes ? Capitalise(yes) : null,
            AnswerKind.TrueFalse => Last(TrueFalse(), stated)?.Value is { } truth ? Capitalise(truth) : null,
            AnswerKind.Integer => Last(Integer(), stated)?.Value,
            _ => stated == text ? LastLine(text) : stated,
        };
    }

    public static AnswerKind KindOf(string target) => target switch
    {
        _ when Regex.IsMatch(target, @"^\([A-R]\)$") => AnswerKind.Letter,
        "Yes" or "No" => AnswerKind.YesNo,
        "True" or "False" => AnswerKind.TrueFalse,
        _ when Regex.IsMatch(target, @"^-?\d+$") => AnswerKind.Integer,
        _ => AnswerKind.Sequence,
    };

    private static Match? Last(Regex regex, string text)
    {
        var matches = regex.Matches(text);
        return matches.Count == 0 ? null : matches[^1];
    }

    private static string Capitalise(string word) => char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant();

    private static string? LastLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    [GeneratedRegex(@"answer is:?\s*(?<answer>[^\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerIs();

    [GeneratedRegex(@"\((?<letter>[A-R])\)|\b(?<letter>[A-R])\b(?=\)|\.|$)")]
    private static partial Regex Letter();

    [GeneratedRegex(@"\b(yes|no)\b", RegexOptions.IgnoreCase)]
    private static partial Regex YesNo();

    [GeneratedRegex(@"\b(true|false)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TrueFalse();

    [GeneratedRegex(@"-?\d+")]
    private static partial Regex Integer();
}
