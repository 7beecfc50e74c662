using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Text;

namespace Lion.Core.Evaluation;

/// <summary>
/// Reads a task file in BIG-Bench Hard's layout: a JSON object with an "examples" array of
/// {"input", "target"} (other keys, such as the canary, are ignored), or JSON Lines of the same
/// objects. Problems name the file and the line or example.
/// </summary>
public static class BbhFile
{
    public static IReadOnlyList<BbhExample> Read(string path)
    {
        var file = Utf8File.Read(path);
        if (file.IsBlank())
            throw BadInputException.InFile(path, "the file is empty");
        try
        {
            return file.Bytes.AsSpan().TrimStart(" \t\r\n"u8)[0] == (byte)'{' && !LooksLikeJsonLines(file)
                ? ReadObject(path, file.Bytes)
                : ReadLines(path, file);
        }
        catch (JsonException error)
        {
            throw BadInputException.AtLine(path, (int)(error.LineNumber ?? 0) + 1, "malformed JSON");
        }
    }

    private static bool LooksLikeJsonLines(Utf8File file)
    {
        string text = System.Text.Encoding.UTF8.GetString(file.Bytes);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 && lines.All(l => l.StartsWith('{') && l.EndsWith('}')) && !text.Contains("\"examples\"", StringComparison.Ordinal);
    }

    private static List<BbhExample> ReadObject(string path, byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        if (!document.RootElement.TryGetProperty("examples", out var examples) || examples.ValueKind != JsonValueKind.Array)
            throw BadInputException.AtField(path, 1, "examples", "is missing or not an array");
        return examples.EnumerateArray().Select((example, i) => Example(path, example, $"example {i + 1}")).ToList();
    }

    private static List<BbhExample> ReadLines(string path, Utf8File file) =>
        JsonLines.Read(file, (example, line) => Example(path, example, $"line {line}"));

    private static BbhExample Example(string path, JsonElement example, string where)
    {
        string Field(string name) =>
            example.ValueKind == JsonValueKind.Object && example.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? OutsideText.Clean(value.GetString()!)
                : throw BadInputException.InFile(path, $"{where}: field \"{name}\" must be a string");
        return new BbhExample(Field("input"), Field("target"));
    }
}
