using System.Text.Json;
using Lion.Core.Text;

namespace Lion.Core.Data;

/// <summary>
/// The objects of a JSON Lines file, one per non-blank line, each mapped with its line number;
/// a line that is not JSON is named by file and line.
/// </summary>
public static class JsonLines
{
    public static List<T> Read<T>(Utf8File file, Func<JsonElement, int, T> map)
    {
        var items = new List<T>();
        var lines = System.Text.Encoding.UTF8.GetString(file.Bytes).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
                continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(lines[i]);
            }
            catch (JsonException)
            {
                throw BadInputException.AtLine(file.Path, i + 1, "malformed JSON");
            }
            using (document)
                items.Add(map(document.RootElement, i + 1));
        }
        return items;
    }
}
