using System.Text.Json;

namespace Lion.Core.Data;

/// <summary>
/// Reads one {instruction, input?, output?} object, shared by the Alpaca and JSON Lines readers.
/// Unknown fields (Dolly's "category", say) are skipped; null counts as absent for the
/// optional fields.
/// </summary>
internal static class JsonRecordParser
{
    /// <summary>Reads the object whose StartObject token is current; leaves EndObject current.</summary>
    public static InstructionRecord ReadObject(ref Utf8JsonReader reader, Utf8File file, long offsetBase)
    {
        int objectLine = file.LineOf(offsetBase + reader.TokenStartIndex);
        string? instruction = null, input = null, output = null;
        bool sawInstruction = false;

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            int line = file.LineOf(offsetBase + reader.TokenStartIndex);
            switch (name)
            {
                case "instruction":
                    sawInstruction = true;
                    instruction = ReadString(ref reader, file, line, name, allowNull: false);
                    break;
                case "input":
                    input = ReadString(ref reader, file, line, name, allowNull: true);
                    break;
                case "output":
                    output = ReadString(ref reader, file, line, name, allowNull: true);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (!sawInstruction)
            throw BadInputException.AtField(file.Path, objectLine, "instruction", "is missing");
        if (string.IsNullOrWhiteSpace(instruction))
            throw BadInputException.AtField(file.Path, objectLine, "instruction", "is empty");
        return new InstructionRecord(instruction, input ?? "", output);
    }

    private static string? ReadString(ref Utf8JsonReader reader, Utf8File file, int line, string field, bool allowNull)
    {
        if (reader.TokenType == JsonTokenType.String)
            return OutsideText.Clean(reader.GetString()!);
        if (reader.TokenType == JsonTokenType.Null && allowNull)
            return null;
        throw BadInputException.AtField(file.Path, line, field, $"must be a string, found {Describe(reader.TokenType)}");
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };
}
