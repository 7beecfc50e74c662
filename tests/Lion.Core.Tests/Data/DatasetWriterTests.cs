using System.Text;
using System.Text.Json;
using Lion.Core.Data;
using Lion.Tests;

namespace Lion.Core.Tests.Data;

public sealed class DatasetWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Fields that break naive writers: unicode, astral planes, newlines, quotes, escapes, empties.</summary>
    public static readonly InstructionRecord[] Awkward =
    [
        new("Traduis « bonjour » en 日本語 — and explain 🦁.", "", "こんにちは\n\n🦁 means lion."),
        new("Fix the code:", "if (x) {\n\tprint(\"hi\\n\")\r\n}", "Use `print('hi')`."),
        new("Answer nothing", "", ""),
        new("Unanswered \u0000 control \u001f chars", "input with trailing space ", null),
    ];

    [Theory]
    [InlineData(ExportFormat.Alpaca)]
    [InlineData(ExportFormat.JsonLines)]
    public void Alpaca_and_json_lines_read_back_every_field_unchanged_but_control_characters(ExportFormat format)
    {
        string path = _folder.File(format == ExportFormat.Alpaca ? "out.json" : "out.jsonl");
        using (var stream = File.Create(path))
            DatasetWriter.Write(Awkward.Select((r, i) => new DatasetRecord($"lion-{i}", r)), format, stream);

        var readBack = SeedFileReader.Read(path).Records;

        // Text from a file is sanitised where it enters: NUL and the other control characters go, tab and newlines stay.
        Assert.Equal(Awkward[..^1], readBack.Take(Awkward.Length - 1));
        Assert.Equal(new InstructionRecord("Unanswered  control  chars", "input with trailing space ", null), readBack[^1]);
    }

    [Fact]
    public void Json_lines_puts_one_object_on_each_line()
    {
        var text = Write(ExportFormat.JsonLines);

        var lines = text.Split('\n');
        Assert.Equal(Awkward.Length + 1, lines.Length);
        Assert.Equal("", lines[^1]);
        Assert.All(lines[..^1], line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
    }

    [Fact]
    public void Non_ascii_text_is_written_as_itself_not_escaped()
    {
        Assert.Contains("« bonjour » en 日本語", Write(ExportFormat.Alpaca));
    }

    [Fact]
    public void Share_gpt_has_a_human_turn_with_the_input_and_a_gpt_turn_with_the_answer()
    {
        using var document = JsonDocument.Parse(Write(ExportFormat.ShareGpt));
        var second = document.RootElement[1];

        Assert.Equal("lion-1", second.GetProperty("id").GetString());
        var turns = second.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(["human", "gpt"], turns.Select(t => t.GetProperty("from").GetString()));
        Assert.Equal("Fix the code:\n\nif (x) {\n\tprint(\"hi\\n\")\r\n}", turns[0].GetProperty("value").GetString());
        Assert.Equal("Use `print('hi')`.", turns[1].GetProperty("value").GetString());
    }

    [Fact]
    public void An_unanswered_instruction_has_no_output_rather_than_an_empty_one()
    {
        using var alpaca = JsonDocument.Parse(Write(ExportFormat.Alpaca));
        using var shareGpt = JsonDocument.Parse(Write(ExportFormat.ShareGpt));

        Assert.False(alpaca.RootElement[3].TryGetProperty("output", out _));
        Assert.Equal("", alpaca.RootElement[2].GetProperty("output").GetString());
        Assert.Single(shareGpt.RootElement[3].GetProperty("conversations").EnumerateArray());
    }

    private static string Write(ExportFormat format)
    {
        using var stream = new MemoryStream();
        DatasetWriter.Write(Awkward.Select((r, i) => new DatasetRecord($"lion-{i}", r)), format, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
