using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lion.Core.Data;

/// <summary>
/// Writes records in the dataset formats trainers read. Non-ASCII text is written as is,
/// not as \u escapes, so the files stay readable and diffable.
/// </summary>
public static class DatasetWriter
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions Compact = Indented with { Indented = false };

    public static void Write(IEnumerable<DatasetRecord> records, ExportFormat format, Stream destination)
    {
        switch (format)
        {
            case ExportFormat.Alpaca:
                WriteArray(records, destination, (writer, record) => WriteAlpaca(writer, record, withState: false));
                break;
            case ExportFormat.ShareGpt:
                WriteArray(records, destination, WriteShareGpt);
                break;
            case ExportFormat.JsonLines:
                WriteLines(records, destination, (writer, record) => WriteAlpaca(writer, record, withState: true));
                break;
            case ExportFormat.Messages:
                WriteLines(records, destination, WriteMessages);
                break;
            case ExportFormat.Dpo or ExportFormat.DpoMessages:
                throw new ArgumentException("preference pairs are written by WritePairs", nameof(format));
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>
    /// Preference pairs: as a JSON array with the columns LLaMA-Factory's and TRL's DPO trainers
    /// read and the referee's figures, or (<see cref="ExportFormat.DpoMessages"/>) one
    /// conversational pair per line as TRL's DPOTrainer reads it.
    /// </summary>
    public static void WritePairs(IEnumerable<PreferencePair> pairs, Stream destination, ExportFormat format = ExportFormat.Dpo)
    {
        if (format == ExportFormat.DpoMessages)
            WriteLines(pairs, destination, WritePairMessages);
        else
            WritePairArray(pairs, destination);
    }

    private static void WritePairMessages(Utf8JsonWriter writer, PreferencePair pair)
    {
        writer.WriteStartObject();
        writer.WriteString("id", pair.Id);
        writer.WriteStartArray("prompt");
        WriteMessage(writer, "user", Prompts.StudentPrompt.Question(pair.Instruction, pair.Input));
        writer.WriteEndArray();
        writer.WriteStartArray("chosen");
        WriteMessage(writer, "assistant", pair.Chosen);
        writer.WriteEndArray();
        writer.WriteStartArray("rejected");
        WriteMessage(writer, "assistant", pair.Rejected);
        writer.WriteEndArray();
        writer.WriteNumber("iteration", pair.Iteration);
        writer.WriteNumber("gap", pair.Gap);
        writer.WriteEndObject();
    }

    private static void WritePairArray(IEnumerable<PreferencePair> pairs, Stream destination) =>
        WriteArray(pairs, destination, (writer, pair) =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", pair.Id);
            writer.WriteString("instruction", pair.Instruction);
            writer.WriteString("input", pair.Input);
            writer.WriteString("prompt", Prompts.StudentPrompt.Question(pair.Instruction, pair.Input));
            writer.WriteString("chosen", pair.Chosen);
            writer.WriteString("rejected", pair.Rejected);
            writer.WriteNumber("iteration", pair.Iteration);
            writer.WriteNumber("teacher_score", pair.TeacherScore);
            writer.WriteNumber("student_score", pair.StudentScore);
            writer.WriteNumber("gap", pair.Gap);
            writer.WriteEndObject();
        });

    private static void WriteArray<T>(IEnumerable<T> records, Stream destination, Action<Utf8JsonWriter, T> writeOne)
    {
        using var writer = new Utf8JsonWriter(destination, Indented);
        writer.WriteStartArray();
        foreach (var record in records)
            writeOne(writer, record);
        writer.WriteEndArray();
        writer.Flush();
        destination.WriteByte((byte)'\n');
    }

    private static void WriteLines<T>(IEnumerable<T> records, Stream destination, Action<Utf8JsonWriter, T> writeOne)
    {
        using var writer = new Utf8JsonWriter(destination, Compact);
        foreach (var record in records)
        {
            writeOne(writer, record);
            writer.Flush();
            destination.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    /// <param name="withState">JSON Lines says what each record's answer is; an Alpaca array holds answered records only.</param>
    private static void WriteAlpaca(Utf8JsonWriter writer, DatasetRecord record, bool withState)
    {
        writer.WriteStartObject();
        writer.WriteString("instruction", record.Instruction.Instruction);
        writer.WriteString("input", record.Instruction.Input);
        // An instruction nobody has answered yet has no output, rather than an empty one.
        if (record.Instruction.Output is { } output)
            writer.WriteString("output", output);
        if (record.Provenance is { } from)
            WriteProvenance(writer, record.Id, from);
        if (withState && record.State is { } state)
            writer.WriteString("state", Vocabulary<AnswerState>.Word(state));
        writer.WriteEndObject();
    }

    private static void WriteProvenance(Utf8JsonWriter writer, string id, Provenance from)
    {
        writer.WriteString("id", id);
        writer.WriteString("origin", Vocabulary<InstructionOrigin>.Word(from.Origin));
        writer.WriteNumber("iteration", from.Iteration);
        WriteOrNull(writer, "parent_id", from.ParentId);
        WriteOrNull(writer, "verdict", from.Verdict is { } verdict ? Vocabulary<VerdictLabel>.Word(verdict) : null);
        WriteOrNull(writer, "verdict_iteration", from.VerdictIteration);
        WriteOrNull(writer, "teacher_score", from.TeacherScore);
        WriteOrNull(writer, "student_score", from.StudentScore);
        WriteOrNull(writer, "gap", from.Gap);
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null) writer.WriteNull(name); else writer.WriteString(name, value);
    }

    private static void WriteOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number) writer.WriteNumber(name, number); else writer.WriteNull(name);
    }

    /// <summary>The record as a conversation: the question (instruction, then input) from the user, the answer from the assistant.</summary>
    private static void WriteMessages(Utf8JsonWriter writer, DatasetRecord record)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("messages");
        WriteMessage(writer, "user", Prompts.StudentPrompt.Question(record.Instruction.Instruction, record.Instruction.Input));
        if (record.Instruction.Output is { } output)
            WriteMessage(writer, "assistant", output);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    private static void WriteShareGpt(Utf8JsonWriter writer, DatasetRecord record)
    {
        var instruction = record.Instruction;
        string question = instruction.Input.Length == 0
            ? instruction.Instruction
            : $"{instruction.Instruction}\n\n{instruction.Input}";

        writer.WriteStartObject();
        writer.WriteString("id", record.Id);
        writer.WriteStartArray("conversations");
        WriteTurn(writer, "human", question);
        if (instruction.Output is { } output)
            WriteTurn(writer, "gpt", output);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteTurn(Utf8JsonWriter writer, string from, string value)
    {
        writer.WriteStartObject();
        writer.WriteString("from", from);
        writer.WriteString("value", value);
        writer.WriteEndObject();
    }
}
