using System.Text;
using System.Text.Json;
using Lion.Core.Text;

namespace Lion.Core.Data;

/// <summary>
/// Reads seed instructions from Alpaca JSON, JSON Lines or plain text (records may also be
/// Self-Instruct seed tasks or ShareGPT / OpenAI-messages conversations). The format follows the
/// content (a leading '[' is a JSON array, a leading '{' is JSON Lines), except that a .txt
/// file is always plain text. Every problem is a <see cref="BadInputException"/> naming the
/// file, line and field; nothing is returned from a file with any error in it.
/// </summary>
public static class SeedFileReader
{
    /// <summary>Longest line accepted in the line-based formats.</summary>
    public const int MaxLineBytes = 1 << 20;

    public static SeedFile Read(string path)
    {
        var file = Utf8File.Read(path);
        if (file.IsBlank())
            throw BadInputException.InFile(path, "the file is empty");

        var format = DetectFormat(file);
        var lines = new List<int>();
        var dropped = new DroppedFields();
        var records = format switch
        {
            SeedFormat.AlpacaJson => ReadAlpaca(file, lines, dropped),
            SeedFormat.JsonLines => ReadJsonLines(file, lines, dropped),
            _ => ReadPlainText(file, lines),
        };
        if (records.Count == 0)
            throw BadInputException.InFile(path, "holds no instructions");
        return new SeedFile(path, format, records, lines) { Dropped = dropped };
    }

    public static SeedFormat DetectFormat(Utf8File file)
    {
        if (string.Equals(System.IO.Path.GetExtension(file.Path), ".txt", StringComparison.OrdinalIgnoreCase))
            return SeedFormat.PlainText;
        var start = file.Bytes.AsSpan().TrimStart(" \t\r\n"u8);
        return start[0] switch
        {
            (byte)'[' => SeedFormat.AlpacaJson,
            (byte)'{' => SeedFormat.JsonLines,
            _ => SeedFormat.PlainText,
        };
    }

    private static List<InstructionRecord> ReadAlpaca(Utf8File file, List<int> lines, DroppedFields dropped)
    {
        var records = new List<InstructionRecord>();
        var reader = new Utf8JsonReader(file.Bytes);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw BadInputException.AtLine(file.Path, file.LineOf(reader.TokenStartIndex),
                        $"record {records.Count + 1} must be an object with an \"instruction\" field");
                lines.Add(file.LineOf(reader.TokenStartIndex));
                dropped.NextRecord();
                records.Add(JsonRecordParser.ReadObject(ref reader, file, 0, dropped));
            }
            if (reader.Read())
                throw BadInputException.AtLine(file.Path, file.LineOf(reader.TokenStartIndex),
                    "unexpected content after the closing ']'");
        }
        catch (JsonException error)
        {
            throw Malformed(file, 0, error);
        }
        return records;
    }

    private static List<InstructionRecord> ReadJsonLines(Utf8File file, List<int> lines, DroppedFields dropped)
    {
        var records = new List<InstructionRecord>();
        foreach (var (line, start, length) in Lines(file))
        {
            var text = file.Bytes.AsSpan(start, length);
            if (text.Trim(" \t\r"u8).IsEmpty)
                continue;
            var reader = new Utf8JsonReader(text);
            try
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw BadInputException.AtLine(file.Path, line,
                        "each line must be a JSON object with an \"instruction\" field");
                dropped.NextRecord();
                records.Add(JsonRecordParser.ReadObject(ref reader, file, start, dropped));
                lines.Add(line);
                if (reader.Read())
                    throw BadInputException.AtLine(file.Path, line, "unexpected content after the object");
            }
            catch (JsonException error)
            {
                throw Malformed(file, line - 1, error);
            }
        }
        return records;
    }

    private static List<InstructionRecord> ReadPlainText(Utf8File file, List<int> lines)
    {
        var records = new List<InstructionRecord>();
        foreach (var (line, start, length) in Lines(file))
        {
            var text = file.Bytes.AsSpan(start, length);
            if (text.EndsWith("\r"u8))
                text = text[..^1];
            string instruction = OutsideText.Clean(Encoding.UTF8.GetString(text));
            if (!string.IsNullOrWhiteSpace(instruction))
            {
                records.Add(new InstructionRecord(instruction));
                lines.Add(line);
            }
        }
        return records;
    }

    /// <summary>The lines of the file without their '\n', refusing any over <see cref="MaxLineBytes"/>.</summary>
    private static IEnumerable<(int Line, int Start, int Length)> Lines(Utf8File file)
    {
        int start = 0, line = 1;
        while (start < file.Bytes.Length)
        {
            int end = Array.IndexOf(file.Bytes, (byte)'\n', start);
            if (end < 0)
                end = file.Bytes.Length;
            if (end - start > MaxLineBytes)
                throw BadInputException.AtLine(file.Path, line,
                    $"the line is {end - start} bytes long; lines over {MaxLineBytes} bytes (1 MiB) are refused");
            yield return (line, start, end - start);
            start = end + 1;
            line++;
        }
    }

    private static BadInputException Malformed(Utf8File file, int lineBase, JsonException error)
    {
        // The reader's message ends with its own 0-based position; say it in the file's terms.
        string reason = error.Message;
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
            reason = reason[..cut];
        int line = lineBase + (int)(error.LineNumber ?? 0) + 1;
        return BadInputException.AtLine(file.Path, line, $"malformed JSON: {reason.TrimEnd('.')}");
    }
}
