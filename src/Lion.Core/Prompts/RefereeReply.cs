using System.Globalization;
using System.Text.RegularExpressions;

namespace Lion.Core.Prompts;

/// <summary>
/// The referee's reply: an explanation, then "Assistant 1: 8" and "Assistant 2: 6.5". Parsing
/// takes the last score line of each assistant (a judge may restate itself), accepts decimals,
/// and refuses anything outside 1–10 or missing: a reply that does not parse is an error to be
/// recorded, never a score.
/// </summary>
public static partial class RefereeReply
{
    public static string Format(string explanation, double first, double second) =>
        $"{explanation.TrimEnd()}\nAssistant 1: {Score(first)}\nAssistant 2: {Score(second)}";

    public static bool TryParse(string reply, out double first, out double second, out string error)
    {
        first = second = 0;
        double? one = null, two = null;
        foreach (Match line in ScoreLine().Matches(reply))
        {
            double value = double.Parse(line.Groups["score"].Value, CultureInfo.InvariantCulture);
            if (line.Groups["who"].Value == "1") one = value; else two = value;
        }
        error = (one, two) switch
        {
            (null, _) => "no score line for Assistant 1",
            (_, null) => "no score line for Assistant 2",
            ({ } a, _) when a is < 1 or > 10 => $"the score of Assistant 1 ({Score(a)}) is outside 1–10",
            (_, { } b) when b is < 1 or > 10 => $"the score of Assistant 2 ({Score(b)}) is outside 1–10",
            _ => "",
        };
        if (error.Length > 0)
            return false;
        (first, second) = (one!.Value, two!.Value);
        return true;
    }

    private static string Score(double score) => score.ToString("0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*\**Assistant (?<who>[12])\**\s*(?:score)?\s*:\s*\**(?<score>-?\d+(?:\.\d+)?)\**\s*(?:/\s*10)?\s*$",
        RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ScoreLine();
}
