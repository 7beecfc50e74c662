using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Prompts;
using Lion.Core.Text;

namespace Lion.Core.Evaluation;

/// <summary>
/// One model's answers to the questions, in the formats such answers come in: FastChat's model
/// answers ({question_id, choices: [{turns: [...]}]}), Vicuna's ({question_id, text}), or
/// instruction records with an output ({instruction, input, output}: what `lion generate`
/// writes, Alpaca JSON too), matched to questions by their text.
/// </summary>
public sealed class JudgeAnswerFile
{
    private readonly string _path;
    private readonly Dictionary<string, string> _byId;
    private readonly Dictionary<string, string> _byText;

    private JudgeAnswerFile(string path, Dictionary<string, string> byId, Dictionary<string, string> byText)
    {
        _path = path;
        _byId = byId;
        _byText = byText;
    }

    public static JudgeAnswerFile Read(string path)
    {
        var file = Utf8File.Read(path);
        var byId = new Dictionary<string, string>();
        var byText = new Dictionary<string, string>();
        if (SeedFileReader.DetectFormat(file) == SeedFormat.JsonLines && HasQuestionIds(file))
        {
            foreach (var (id, text) in JsonLines.Read(file, (item, line) => Answer(path, line, item)))
                if (!byId.TryAdd(id, text))
                    throw BadInputException.InFile(path, $"question_id {id} is answered twice");
        }
        else
        {
            foreach (var record in SeedFileReader.Read(path).Records)
                if (record.Output is { } output)
                    byText[StudentPrompt.Question(record.Instruction, record.Input)] = output;
        }
        if (byId.Count + byText.Count == 0)
            throw BadInputException.InFile(path, "holds no answers");
        return new JudgeAnswerFile(path, byId, byText);
    }

    /// <summary>The answer to the question, by id where the file has ids, else by the question's text; null when the file has none.</summary>
    public string? Find(JudgeQuestion question) =>
        _byId.Count > 0 ? _byId.GetValueOrDefault(question.Id) : _byText.GetValueOrDefault(question.Text);

    /// <summary>The answer to the question, by id where the file has ids, else by the question's text.</summary>
    public string For(JudgeQuestion question) =>
        (_byId.Count > 0 ? _byId.GetValueOrDefault(question.Id) : _byText.GetValueOrDefault(question.Text))
        ?? throw BadInputException.InFile(_path, _byId.Count > 0
            ? $"no answer to question_id {question.Id}"
            : $"no answer to question {question.Id} (\"{Shorten(question.Text)}\"); answers are matched by the question's text");

    private static bool HasQuestionIds(Utf8File file)
    {
        string first = System.Text.Encoding.UTF8.GetString(file.Bytes).Split('\n').First(l => l.Trim().Length > 0);
        try
        {
            using var document = JsonDocument.Parse(first);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("question_id", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static (string Id, string Text) Answer(string path, int line, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw BadInputException.AtLine(path, line, "must be a JSON object");
        string id = JudgeQuestionFile.Id(path, line, item, "question_id");
        if (item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            return (id, OutsideText.Clean(text.GetString()!));
        if (item.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("turns", out var turns) && turns.ValueKind == JsonValueKind.Array && turns.GetArrayLength() > 0
            && turns[0].ValueKind == JsonValueKind.String)
            return (id, OutsideText.Clean(turns[0].GetString()!));
        throw BadInputException.AtField(path, line, "choices", "must hold [{\"turns\": [\"answer\", …]}] (or give the answer as \"text\")");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
