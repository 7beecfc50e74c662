using System.Text.Json;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class NoveltyCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void It_prints_one_decision_per_candidate_in_order()
    {
        string pool = _folder.Write("pool.json", """[{"instruction": "Write a haiku about the autumn sea at dawn"}]""");
        string candidates = _folder.Write("candidates.txt",
            "Write a haiku about the autumn sea at dusk\nList three prime numbers\nList three prime numbers please\n");

        var result = LionInvocation.Run("novelty", "--pool", pool, "--candidates", candidates);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([0, 1, 2], lines.Select(l => l.GetProperty("index").GetInt32()));
        Assert.Equal([false, true, false], lines.Select(l => l.GetProperty("kept").GetBoolean()));
        Assert.Equal("Write a haiku about the autumn sea at dawn", lines[0].GetProperty("most_similar").GetString());
        Assert.Equal(0.888889, lines[0].GetProperty("max_score").GetDouble());
        Assert.Equal("List three prime numbers", lines[2].GetProperty("most_similar").GetString());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("most_similar").ValueKind);
    }

    [Fact]
    public void The_threshold_can_be_raised()
    {
        string pool = _folder.Write("pool.txt", "Write a haiku about the autumn sea at dawn");
        string candidates = _folder.Write("candidates.txt", "Write a haiku about the autumn sea at dusk");

        var result = LionInvocation.Run("novelty", "--pool", pool, "--candidates", candidates, "--threshold", "0.9");

        Assert.True(JsonDocument.Parse(result.Output).RootElement.GetProperty("kept").GetBoolean());
    }

    [Fact]
    public void A_threshold_outside_zero_to_one_is_a_usage_error()
    {
        string file = _folder.Write("pool.txt", "x");

        var result = LionInvocation.Run("novelty", "--pool", file, "--candidates", file, "--threshold", "7");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--threshold must be between 0 and 1", result.Error);
    }

    [Fact]
    public void A_bad_file_is_named_with_its_line()
    {
        string pool = _folder.Write("pool.jsonl", "{\"instruction\": \"fine\"}\n{\"instruction\": 3}\n");

        var result = LionInvocation.Run("novelty", "--pool", pool, "--candidates", pool);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {pool}:2: field \"instruction\"", result.Error);
    }
}
