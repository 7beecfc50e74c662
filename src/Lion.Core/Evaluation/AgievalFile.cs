using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Text;

namespace Lion.Core.Evaluation;

/// <summary>
/// Reads an AGIEval English multiple-choice file (JSON Lines of {passage?, question, options:
/// ["(A)…", …], label: "A"}) as questions with lettered targets: the passage, the question and
/// the options one per line, then "Answer:"; the target is "(A)". Problems name file and line.
/// </summary>
public static class AgievalFile
{
    /// <summary>AGIEval's English multiple-choice tasks (2,546 items), by their file names in its data/v1 folder.</summary>
    public static IReadOnlySet<string> EnglishMultipleChoiceTasks { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "lsat-ar", "lsat-lr", "lsat-rc", "logiqa-en", "sat-math", "sat-en", "sat-en-without-passage", "aqua-rat",
    };

    /// <summary>
    /// Of a folder's files, AGIEval's English multiple-choice tasks when it holds any (AGIEval's own
    /// data folder: the Chinese, cloze and other files are skipped and named on <paramref name="error"/>);
    /// otherwise every file, as a folder of the user's own tasks in this format.
    /// </summary>
    public static List<string> EnglishMultipleChoice(IReadOnlyList<string> files, TextWriter error)
    {
        var known = files.Where(f => EnglishMultipleChoiceTasks.Contains(System.IO.Path.GetFileNameWithoutExtension(f))).ToList();
        if (known.Count == 0)
            return [.. files];
        var skipped = files.Except(known).Select(f => System.IO.Path.GetFileName(f)).ToList();
        if (skipped.Count > 0)
            error.WriteLine($"Skipped {skipped.Count} file{(skipped.Count == 1 ? "" : "s")} that are not AGIEval's English multiple-choice tasks: {string.Join(", ", skipped)}");
        return known;
    }

    public static IReadOnlyList<BbhExample> Read(string path)
    {
        var file = Utf8File.Read(path);
        var examples = JsonLines.Read(file, (item, line) => Example(path, line, item));
        if (examples.Count == 0)
            throw BadInputException.InFile(path, "holds no questions");
        return examples;
    }

    private static BbhExample Example(string path, int line, JsonElement item)
    {
        string Text(string field, bool required)
        {
            if (item.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                return OutsideText.Clean(value.GetString()!);
            if (!required && (!item.TryGetProperty(field, out value) || value.ValueKind == JsonValueKind.Null))
                return "";
            throw BadInputException.AtField(path, line, field, "must be a string");
        }
        string passage = Text("passage", required: false), question = Text("question", required: true), label = Text("label", required: true).Trim();
        if (!item.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array || options.GetArrayLength() < 2
            || options.EnumerateArray().Any(o => o.ValueKind != JsonValueKind.String))
            throw BadInputException.AtField(path, line, "options", "must be an array of at least two strings");
        if (label.Length != 1 || label[0] < 'A' || label[0] >= 'A' + options.GetArrayLength())
            throw BadInputException.AtField(path, line, "label", $"must be one of the option letters, not \"{label}\"");

        var text = new System.Text.StringBuilder();
        if (passage.Length > 0) text.Append(passage).Append('\n');
        text.Append(question).Append('\n');
        foreach (var option in options.EnumerateArray())
            text.Append(OutsideText.Clean(option.GetString()!)).Append('\n');
        text.Append("Answer:");
        return new BbhExample(text.ToString(), $"({label})");
    }
}
