using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lion.Core.Prompts;

/// <summary>
/// The referee's reply: an explanation, then "Assistant 1: 8" and "Assistant 2: 6.5". Real
/// judges word it their own ways, and each way is read only where it names one assistant and one
/// score beyond doubt:
/// <list type="bullet">
/// <item>score lines, in either order, however decorated: "**Assistant 1:** 8", "- Assistant 1: 8/10",
/// "Assistant 1: 8 out of 10", "Score for Assistant 1: 8", the reference scripts' "Score of the
/// Assistant 1: 8", "Assistant 1's score: 8", "Assistant 1 receives a score of 8", a trailing
/// remark without a number ("8 (clear and correct)", "8 - thorough"), a full-width colon, both on
/// one line ("Assistant 1: 8, Assistant 2: 6");
/// the last line of each assistant counts (a judge may restate itself), and a score quoted inside
/// a sentence never does;</item>
/// <item>failing that, a JSON object with one key per assistant ({"assistant_1": 8, …});</item>
/// <item>failing that, FastChat's pair format: the first line holds the two scores ("8 6").</item>
/// </list>
/// Scores outside 1–10, or a reply in which the two cannot be told apart, are a parse error to be
/// recorded, never a guess.
/// </summary>
public static partial class RefereeReply
{
    public static string Format(string explanation, double first, double second) =>
        $"{explanation.TrimEnd()}\nAssistant 1: {Score(first)}\nAssistant 2: {Score(second)}";

    public static bool TryParse(string reply, out double first, out double second, out string error)
    {
        first = second = 0;
        var lines = Normalise(reply).Split('\n').Select(Undecorate).ToList();
        var (one, two) = FromScoreLines(lines);
        if (one is null && two is null)
            (one, two) = FromJson(reply) ?? FromPairLine(lines) ?? (null, null);
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

    private static (double? One, double? Two) FromScoreLines(List<string> lines)
    {
        double? one = null, two = null;
        foreach (string line in lines)
        {
            if (BothOnOneLine().Match(line) is { Success: true } both)
            {
                one = Number(both.Groups["one"].Value);
                two = Number(both.Groups["two"].Value);
            }
            else if (ScoreLine().Match(line) is { Success: true } single)
            {
                if (single.Groups["who"].Value == "1") one = Number(single.Groups["score"].Value);
                else two = Number(single.Groups["score"].Value);
            }
        }
        return (one, two);
    }

    /// <summary>The first JSON object in the reply with a number for each assistant.</summary>
    private static (double?, double?)? FromJson(string reply)
    {
        int start = reply.IndexOf('{');
        int end = reply.LastIndexOf('}');
        if (start < 0 || end <= start)
            return null;
        try
        {
            using var document = JsonDocument.Parse(reply[start..(end + 1)]);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            double? one = null, two = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var key = JsonKey().Match(property.Name);
                if (!key.Success || property.Value.ValueKind != JsonValueKind.Number)
                    continue;
                if (key.Groups["who"].Value == "1") one = property.Value.GetDouble();
                else two = property.Value.GetDouble();
            }
            return one is null || two is null ? null : (one, two);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>FastChat's pair format: the first non-empty line is the two scores and nothing else.</summary>
    private static (double?, double?)? FromPairLine(List<string> lines) =>
        lines.FirstOrDefault(l => l.Length > 0) is { } firstLine && PairLine().Match(firstLine) is { Success: true } pair
            ? (Number(pair.Groups["one"].Value), Number(pair.Groups["two"].Value))
            : null;

    /// <summary>Full-width colons and digits as ASCII, markdown emphasis gone, one line ending.</summary>
    private static string Normalise(string reply) =>
        reply.Replace("\r\n", "\n").Replace('：', ':').Replace("**", "").Replace("__", "");

    /// <summary>A line without its bullet, heading or quote marker and the spaces around it.</summary>
    private static string Undecorate(string line) => LineMarker().Replace(line.Trim(), "").Trim();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Score(double score) => score.ToString("0.##", CultureInfo.InvariantCulture);

    // One assistant, one score, and nothing else on the line: "Assistant 1: 8", "Score for Assistant 1 = 8/10",
    // "Assistant 1's score is 8 out of 10.", "Assistant 1 receives a score of 8". "Assistant 1 is 4" is
    // not one: an explanation says that of answers.
    [GeneratedRegex("""
        ^(?:(?:the\s+)?(?:overall\s+|final\s+)?score\s+(?:for|of)\s+(?:the\s+)?)?
        assistant\s*(?<who>[12])(?:'s|’s)?(?:\s+(?:overall\s+|final\s+)?(?:score|rating)(?:\s+is)?)?
        \s*(?:[:=–—-]\s*|\s(?:receives|gets|earns|deserves|scores)\s+(?:a\s+(?:score|rating)\s+of\s+|an?\s+)?|(?<=(?:score|rating)\s+is)\s+)
        (?<score>-?\d+(?:\.\d+)?)(?:\s*(?:/|out\s+of)\s*10)?(?:\s+points?)?
        (?:\s*(?:\([^\d()]*\)|\[[^\d\[\]]*\]|[-–—,;.:]\s+[^\d]*))?\s*\.?$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex ScoreLine();

    [GeneratedRegex("""
        ^assistant\s*1\s*[:=]\s*(?<one>\d+(?:\.\d+)?)(?:\s*(?:/|out\s+of)\s*10)?\s*[,;|]?\s*(?:and\s+)?
        assistant\s*2\s*[:=]\s*(?<two>\d+(?:\.\d+)?)(?:\s*(?:/|out\s+of)\s*10)?\s*\.?$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex BothOnOneLine();

    [GeneratedRegex(@"^(?<one>\d+(?:\.\d+)?)\s*[,\s]\s*(?<two>\d+(?:\.\d+)?)$")]
    private static partial Regex PairLine();

    [GeneratedRegex(@"^(?:assistant|score)[\s_-]*(?<who>[12])$", RegexOptions.IgnoreCase)]
    private static partial Regex JsonKey();

    [GeneratedRegex(@"^(?:[-*•>]+|#+|\d+[.)](?=\s))\s*")]
    private static partial Regex LineMarker();
}
