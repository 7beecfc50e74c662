using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lion.Core.Evaluation;

/// <summary>
/// Answers in FastChat's model-answer format, one JSON object a line ({question_id, answer_id,
/// model_id, choices: [{index: 0, turns: [answer]}], tstamp}), which its judge scripts and
/// `lion eval judge` read.
/// </summary>
public static class FastChatAnswers
{
    public static void Write(IEnumerable<(JudgeQuestion Question, string Answer)> answers, string modelId, Stream destination)
    {
        using var writer = new Utf8JsonWriter(destination, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        foreach (var (question, answer) in answers)
        {
            writer.WriteStartObject();
            if (long.TryParse(question.Id, out long number))
                writer.WriteNumber("question_id", number);
            else
                writer.WriteString("question_id", question.Id);
            writer.WriteString("answer_id", $"{modelId}-{question.Id}");
            writer.WriteString("model_id", modelId);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartArray("turns");
            writer.WriteStringValue(answer);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteNumber("tstamp", now);
            writer.WriteEndObject();
            writer.Flush();
            destination.WriteByte((byte)'\n');
            writer.Reset();
        }
    }
}
