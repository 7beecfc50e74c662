using System.Text.Json;
using Lion.Core.Data;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class ExportCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Run => _folder.File("run");

    private const string AwkwardAlpaca = """
        [
          {"instruction": "Traduis « bonjour » en 日本語 🦁", "input": "", "output": "こんにちは\n\n— fin"},
          {"instruction": "Fix:", "input": "if (x) {\n\tprint(\"hi\\n\")\r\n}", "output": "Use \\\\ and \"quotes\"."},
          {"instruction": "Empty answer", "input": "", "output": ""},
          {"instruction": "No answer yet", "input": "  spaced  "}
        ]
        """;

    [Theory]
    [InlineData("alpaca", "out.json")]
    [InlineData("jsonl", "out.jsonl")]
    public void Import_then_export_keeps_every_field_exactly(string format, string name)
    {
        string seeds = _folder.Write("seeds.json", AwkwardAlpaca);
        Assert.Equal(0, LionInvocation.Run("init", "--seeds", seeds, "--out", Run).ExitCode);
        string exported = _folder.File(name);

        var result = LionInvocation.Run("export", "--out", Run, "--format", format, "--to", exported);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(SeedFileReader.Read(seeds).Records, SeedFileReader.Read(exported).Records);
    }

    [Fact]
    public void Export_writes_to_standard_output_without_to()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "First.\nSecond."), "--out", Run);

        var result = LionInvocation.Run("export", "--out", Run, "--format", "sharegpt");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal(2, document.RootElement.GetArrayLength());
        Assert.Equal("Second.", document.RootElement[1].GetProperty("conversations")[0].GetProperty("value").GetString());
    }

    [Fact]
    public void Export_from_a_folder_that_is_not_a_run_exits_1()
    {
        Directory.CreateDirectory(Run);

        var result = LionInvocation.Run("export", "--out", Run, "--format", "jsonl");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {Run}: not a lion run folder", result.Error);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var result = LionInvocation.Run("export", "--out", Run, "--format", "xml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("xml", result.Error);
    }
}
