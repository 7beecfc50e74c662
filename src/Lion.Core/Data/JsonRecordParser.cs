using System.Text.Json;
using Lion.Core.Text;

namespace Lion.Core.Data;

/// <summary>
/// Reads one record object, shared by the Alpaca and JSON Lines readers. Three shapes:
/// <list type="bullet">
/// <item>Alpaca: {instruction, input?, output?} (null counts as absent for input and output);</item>
/// <item>Self-Instruct seed tasks: {instruction, instances: [{input, output}, …]}: the first
/// instance gives input and output, as Alpaca's own generation prompt takes it;</item>
/// <item>a conversation, ShareGPT's {conversations: [{from, value}]} or OpenAI's {messages: [{role,
/// content}]}: the first user turn is the instruction, the reply after it the output.</item>
/// </list>
/// What a record holds beyond that (Dolly's "category", later instances or turns, a system
/// message) is dropped and noted in <see cref="DroppedFields"/>, so the reader can say so once.
/// </summary>
internal static class JsonRecordParser
{
    private static readonly HashSet<string> UserRoles = ["human", "user"];
    private static readonly HashSet<string> AssistantRoles = ["gpt", "assistant", "chatgpt", "bing", "bard", "model"];

    /// <summary>Reads the object whose StartObject token is current; leaves EndObject current.</summary>
    public static InstructionRecord ReadObject(ref Utf8JsonReader reader, Utf8File file, long offsetBase, DroppedFields dropped)
    {
        int objectLine = file.LineOf(offsetBase + reader.TokenStartIndex);
        string? instruction = null, input = null, output = null;
        bool sawInstruction = false;
        InstructionRecord? fromNested = null;

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
                case "instances":
                    using (var instances = JsonDocument.ParseValue(ref reader))
                        fromNested = FirstInstance(instances.RootElement, file, line, dropped);
                    break;
                case "conversations" or "messages":
                    using (var turns = JsonDocument.ParseValue(ref reader))
                        fromNested = FirstExchange(turns.RootElement, name, file, line, dropped);
                    break;
                default:
                    dropped.Note(name);
                    reader.Skip();
                    break;
            }
        }

        // A Self-Instruct task's instance fills in its input and output; a conversation is the whole record.
        if (fromNested is { } nested && sawInstruction)
            (input, output) = (input ?? nested.Input, output ?? nested.Output);
        else if (fromNested is { Instruction.Length: > 0 } conversation)
            return conversation;
        if (!sawInstruction)
            throw BadInputException.AtField(file.Path, objectLine, "instruction",
                "is missing (a record is {instruction, input?, output?}, a Self-Instruct task, or a ShareGPT or OpenAI-messages conversation)");
        if (string.IsNullOrWhiteSpace(instruction))
            throw BadInputException.AtField(file.Path, objectLine, "instruction", "is empty");
        return new InstructionRecord(instruction, input ?? "", output);
    }

    /// <summary>A Self-Instruct task's first instance as (input, output).</summary>
    private static InstructionRecord FirstInstance(JsonElement instances, Utf8File file, int line, DroppedFields dropped)
    {
        if (instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0 || instances[0].ValueKind != JsonValueKind.Object)
            throw BadInputException.AtField(file.Path, line, "instances", "must be a non-empty array of {input, output} objects");
        if (instances.GetArrayLength() > 1)
            dropped.Note("instances after the first");
        var first = instances[0];
        return new InstructionRecord("", Text(first, "input", file, line, "instances[0].input") ?? "",
            Text(first, "output", file, line, "instances[0].output"));
    }

    /// <summary>The first user turn and the assistant reply that follows it.</summary>
    private static InstructionRecord FirstExchange(JsonElement turns, string field, Utf8File file, int line, DroppedFields dropped)
    {
        if (turns.ValueKind != JsonValueKind.Array)
            throw BadInputException.AtField(file.Path, line, field, "must be an array of turns");
        string speaker = field == "conversations" ? "from" : "role";
        string text = field == "conversations" ? "value" : "content";
        var list = turns.EnumerateArray().ToList();
        int user = list.FindIndex(turn => turn.ValueKind == JsonValueKind.Object && turn.TryGetProperty(speaker, out var who)
                                          && who.ValueKind == JsonValueKind.String && UserRoles.Contains(who.GetString()!));
        if (user < 0)
            throw BadInputException.AtField(file.Path, line, field, $"has no user turn ({speaker}: \"{(field == "conversations" ? "human" : "user")}\")");
        if (user > 0)
            dropped.Note($"{field} before the first user turn (a system prompt)");
        string? question = Text(list[user], text, file, line, $"{field}[{user}].{text}");
        if (string.IsNullOrWhiteSpace(question))
            throw BadInputException.AtField(file.Path, line, $"{field}[{user}].{text}", "is empty");
        string? answer = null;
        if (user + 1 < list.Count && list[user + 1].ValueKind == JsonValueKind.Object
            && list[user + 1].TryGetProperty(speaker, out var replier) && replier.ValueKind == JsonValueKind.String
            && AssistantRoles.Contains(replier.GetString()!))
            answer = Text(list[user + 1], text, file, line, $"{field}[{user + 1}].{text}");
        if (list.Count > user + 2)
            dropped.Note($"{field} after the first exchange");
        return new InstructionRecord(question, "", answer);
    }

    private static string? Text(JsonElement owner, string name, Utf8File file, int line, string field)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? OutsideText.Clean(value.GetString()!)
            : throw BadInputException.AtField(file.Path, line, field, $"must be a string, found {Describe(value.ValueKind)}");
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

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => kind.ToString(),
    };
}
