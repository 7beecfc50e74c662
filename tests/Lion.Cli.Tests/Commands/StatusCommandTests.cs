using System.Text.Json;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class StatusCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Run => _folder.File("run");

    [Fact]
    public void Status_json_reports_the_pools_of_a_new_run()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "A.\nB.\nA."), "--out", Run);

        var result = LionInvocation.Run("status", "--out", Run, "--json");

        Assert.Equal(0, result.ExitCode);
        using var status = JsonDocument.Parse(result.Output);
        var pools = status.RootElement.GetProperty("pools").EnumerateArray()
            .ToDictionary(p => p.GetProperty("pool").GetString()!, p => p.GetProperty("instructions").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["train"] = 2, ["cache"] = 2 }, pools);
        Assert.Equal(1, status.RootElement.GetProperty("imports")[0].GetProperty("duplicates").GetInt32());
        Assert.Equal(0, status.RootElement.GetProperty("usage").GetProperty("requests").GetInt64());
    }

    [Fact]
    public void Status_text_names_the_pools_and_usage()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "A."), "--out", Run);

        var result = LionInvocation.Run("status", "--out", Run);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Iteration 1: pools cache 1, train 1; stages not started", result.Output);
        Assert.Contains("Usage     0 requests", result.Output);
    }

    [Fact]
    public void A_finished_run_says_so_and_shows_its_last_pools_as_the_result_not_an_iteration_to_come()
    {
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", Run).ExitCode);

        var text = LionInvocation.Run("status", "--out", Run);
        var json = LionInvocation.Run("status", "--out", Run, "--json");

        Assert.Contains("State     finished: 3 of 3 iterations done", text.Output);
        Assert.Contains("After iteration 3: pools cache ", text.Output);
        Assert.DoesNotContain("Iteration 4", text.Output);
        using var status = JsonDocument.Parse(json.Output);
        Assert.Equal("finished", status.RootElement.GetProperty("state").GetString());
        Assert.Equal(3, status.RootElement.GetProperty("iterations").GetInt32());
    }

    [Fact]
    public void A_new_run_is_not_finished()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "A."), "--out", Run);

        Assert.Contains("State     not finished: 0 of 3 iterations done", LionInvocation.Run("status", "--out", Run).Output);
    }
}
