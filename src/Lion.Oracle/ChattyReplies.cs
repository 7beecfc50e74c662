using System.Globalization;
using Lion.Core.Config;
using Lion.Core.Prompts;

namespace Lion.Oracle;

/// <summary>
/// The oracle's referee and generator replies worded as chat models word them, each wrapping
/// drawn with equal chance from a seeded source:
/// <list type="bullet">
/// <item>referee, 12 wrappings: plain score lines; bold labels; "8/10"; "receives a score of 8";
/// "8 out of 10"; FastChat's "8 6" first line; a JSON object; the lines in reverse order; "Score for
/// Assistant 1"; bullets; full-width colons; a score quoted in the explanation before the final
/// lines. A third of them (not FastChat's) also get a preamble ("Sure! Here is my evaluation.") and a sign-off.</item>
/// <item>generator, 9 wrappings: the bare instruction; "Sure! Here is a new instruction: …";
/// a "Here's a new instruction:" line; a "New instruction:" label; bold label; straight quotes;
/// curly quotes; bold; a numbered list of three new items, the first the real one.</item>
/// </list>
/// With mishaps (<see cref="OracleStyle.Chatty"/>) some replies go wrong instead: referee 0.8 %
/// refusals, 0.4 % junk, 0.3 % cut off (finish reason "length"); generator 3 % refusals, 2 % junk,
/// 2 % cut off.
/// </summary>
public static class ChattyReplies
{
    public const double RefereeRefusals = 0.008, RefereeJunk = 0.004, RefereeTruncated = 0.003;
    public const double GeneratorRefusals = 0.03, GeneratorJunk = 0.02, GeneratorTruncated = 0.02;

    /// <summary>A reply and whether it was cut off.</summary>
    public readonly record struct Reply(string Text, bool Truncated);

    public static Reply Referee(string explanation, double first, double second, Random random, bool mishaps)
    {
        if (mishaps && Mishap(random, RefereeRefusals, RefereeJunk, RefereeTruncated, "I'm sorry, but I can't compare these two answers.",
                RefereeReply.Format(explanation, first, second)) is { } wrong)
            return wrong;
        string a = Score(first), b = Score(second);
        int wrapping = random.Next(12);
        string text = wrapping switch
        {
            0 => RefereeReply.Format(explanation, first, second),
            1 => $"{explanation}\n**Assistant 1:** {a}\n**Assistant 2:** {b}",
            2 => $"{explanation}\nAssistant 1: {a}/10\nAssistant 2: {b}/10",
            3 => $"{explanation}\nAssistant 1 receives a score of {a}.\nAssistant 2 receives a score of {b}.",
            4 => $"{explanation}\nAssistant 1: {a} out of 10\nAssistant 2: {b} out of 10",
            5 => $"{a} {b}\n{explanation}",
            6 => $"{explanation}\n```json\n{{\"assistant_1\": {a}, \"assistant_2\": {b}}}\n```",
            7 => $"{explanation}\nAssistant 2: {b}\nAssistant 1: {a}",
            8 => $"{explanation}\nScore for Assistant 1: {a}\nScore for Assistant 2: {b}",
            9 => $"{explanation}\n- Assistant 1: {a}\n- Assistant 2: {b}",
            10 => $"{explanation}\nAssistant 1：{a}\nAssistant 2：{b}",
            _ => $"At first I would have said Assistant 1: {Score(11 - first)} was fair, but on reflection no.\n{explanation}\nAssistant 1: {a}\nAssistant 2: {b}",
        };
        // FastChat's pair format is the first line or nothing: no preamble there.
        if (random.Next(3) == 0 && wrapping != 5)
            text = $"Sure! Here is my evaluation.\n\n{text}\n\nI hope this helps.";
        return new(text, false);
    }

    /// <param name="others">Two more new items, for the numbered list.</param>
    public static Reply Generator(string instruction, Func<string> others, Random random, bool mishaps)
    {
        if (mishaps && Mishap(random, GeneratorRefusals, GeneratorJunk, GeneratorTruncated, "I'm sorry, but I can't help with that request.",
                instruction) is { } wrong)
            return wrong;
        string text = random.Next(9) switch
        {
            0 => instruction,
            1 => $"Sure! Here is a new instruction: {instruction}",
            2 => $"Here's a new instruction:\n\n{instruction}",
            3 => $"New instruction: {instruction}",
            4 => $"**New Instruction:** {instruction}",
            5 => $"\"{instruction}\"",
            6 => $"“{instruction}”",
            7 => $"**{instruction}**",
            _ => $"1. {instruction}\n2. {others()}\n3. {others()}",
        };
        return new(text, false);
    }

    private static Reply? Mishap(Random random, double refusals, double junk, double truncated, string refusal, string whole)
    {
        double draw = random.NextDouble();
        if (draw < refusals)
            return new(refusal, false);
        if (draw < refusals + junk)
            return new(Junk(random), false);
        if (draw < refusals + junk + truncated)
            return new(whole[..(whole.Length / 2)], true);
        return null;
    }

    /// <summary>What a broken server sends: control characters, NUL, replacement characters, symbols.</summary>
    private static string Junk(Random random)
    {
        const string Alphabet = "\u0000\u0001\u001b\ufffd#%&*@~^|<>{}[]01";
        return new string(Enumerable.Range(0, 8 + random.Next(24)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
    }

    private static string Score(double score) => score.ToString("0.##", CultureInfo.InvariantCulture);
}
