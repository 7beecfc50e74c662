using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Prompts;
using Lion.Core.Text;

namespace Lion.Core.Evaluation;

/// <summary>
/// Reads the questions of a pairwise evaluation: the Vicuna-80 / MT-bench JSON Lines format
/// ({question_id, category, turns: [...]}; the first turn is judged) or any instruction file the
/// seed import reads (Alpaca JSON or JSONL, plain text), numbered from 1 in category "general".
/// </summary>
public static class JudgeQuestionFile
{
    public const string DefaultCategory = "general";

    public static IReadOnlyList<JudgeQuestion> Read(string path)
    {
        var file = Utf8File.Read(path);
        if (!LooksLikeTurns(file))
        {
            var seeds = SeedFileReader.Read(path);
            return seeds.Records.Select((r, i) => new JudgeQuestion((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                DefaultCategory, StudentPrompt.Question(r.Instruction, r.Input))).ToList();
        }

        var questions = JsonLines.Read(file, (item, line) => Question(path, line, item));
        if (questions.Count == 0)
            throw BadInputException.InFile(path, "holds no questions");
        var repeated = questions.GroupBy(q => q.Id).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw BadInputException.InFile(path, $"question_id {repeated.Key} appears {repeated.Count()} times");
        return questions;
    }

    /// <summary>Whether the file is in the Vicuna-80 / MT-bench question format (JSON Lines with "turns").</summary>
    public static bool IsQuestionFile(string path) => LooksLikeTurns(Utf8File.Read(path));

    /// <summary>The MT-bench format: the first non-blank line is an object with "turns".</summary>
    private static bool LooksLikeTurns(Utf8File file)
    {
        string text = System.Text.Encoding.UTF8.GetString(file.Bytes);
        string first = text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        if (!first.StartsWith('{'))
            return false;
        try
        {
            using var document = JsonDocument.Parse(first);
            return document.RootElement.TryGetProperty("turns", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JudgeQuestion Question(string path, int line, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw BadInputException.AtLine(path, line, "must be a JSON object");
        string id = Id(path, line, item, "question_id");
        string category = item.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : DefaultCategory;
        if (!item.TryGetProperty("turns", out var turns) || turns.ValueKind != JsonValueKind.Array || turns.GetArrayLength() == 0
            || turns.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
            throw BadInputException.AtField(path, line, "turns", "must be a non-empty array of strings");
        string text = OutsideText.Clean(turns[0].GetString()!);
        if (text.Trim().Length == 0)
            throw BadInputException.AtField(path, line, "turns", "the first turn is empty");
        return new JudgeQuestion(id, category, text);
    }

    /// <summary>An id field, number or string, as text.</summary>
    internal static string Id(string path, int line, JsonElement item, string field) =>
        item.TryGetProperty(field, out var id) && id.ValueKind is JsonValueKind.Number or JsonValueKind.String && id.ToString().Length > 0
            ? id.ToString()
            : throw BadInputException.AtField(path, line, field, "must be a number or a non-empty string");
}
