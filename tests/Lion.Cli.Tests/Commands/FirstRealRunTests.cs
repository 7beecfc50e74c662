using System.Text.Json;
using Lion.Endpoint;
using Lion.Oracle;
using Lion.Testing.Providers;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// A user's first run against a real endpoint, as README's teacher section starts it: the
/// simulated stand-in never trains unnoticed, refused items never reach a dataset, and an
/// evaluation leaves no run behind that nobody asked for.
/// </summary>
public sealed class FirstRealRunTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public FirstRealRunTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    private static Task<ChatServer> Serve(IChatRequestFilter behaviour) =>
        ChatServer.StartAsync(new OracleChatClient(new OracleOptions { Seed = 2305 }),
            new ChatServerOptions { Models = ["lion-oracle"], Filter = behaviour });

    [Fact]
    public async Task A_real_endpoint_without_a_student_kind_is_refused_before_anything_is_asked()
    {
        var recording = new RecordingFilter();
        await using var server = await Serve(recording);
        string role = $$"""{"endpoint": "{{server.BaseUrl}}", "model": "lion-oracle"}""";
        string config = _folder.Write("lion.json", $$$"""{"teacher": {{{role}}}, "referee": {{{role}}}, "generator": {{{role}}}}""");

        var result = await OracleHttpRun.Invoke(["run", "--config", config, "--seeds", _http.WriteSeeds(), "--out", _folder.File("run")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("student.kind: is required when a role asks a real model (teacher at http://127.0.0.1:", result.Error);
        Assert.Contains("torch", result.Error);
        Assert.Empty(recording.Requests);
        Assert.False(Directory.Exists(_folder.File("run")));
    }

    [Fact]
    public async Task Plan_status_and_the_report_name_the_student_that_ran()
    {
        await using var server = await OracleHttpRun.OracleServer();
        string run = _folder.File("run");
        Assert.Equal(0, (await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1), "--seeds", _http.WriteSeeds(), "--out", run])).ExitCode);

        var text = LionInvocation.Run("status", "--out", run);
        var json = JsonDocument.Parse(LionInvocation.Run("status", "--out", run, "--json").Output).RootElement;

        Assert.Contains("Student   simulated (the offline stand-in: it learns nothing and makes no model)", text.Output);
        Assert.Equal("simulated", json.GetProperty("student").GetProperty("kind").GetString());
        Assert.Contains("student simulated (the offline stand-in", File.ReadAllText(Path.Combine(run, "report", "index.html")));
    }

    [Fact]
    public async Task Refused_items_are_in_no_training_export_and_the_jsonl_export_says_why()
    {
        var filter = new ContentFilter("Sort the following words", "Complete the rest of the sequence");
        await using var server = await Serve(filter);
        string run = _folder.File("run");
        Assert.Equal(0, (await OracleHttpRun.Invoke(["run", "--config", _http.Config(server.BaseUrl.ToString(), iterations: 1), "--seeds", _http.WriteSeeds(), "--out", run])).ExitCode);
        string alpaca = _folder.File("data.json"), sharegpt = _folder.File("share.json");

        Assert.Equal(0, LionInvocation.Run("export", "--out", run, "--format", "alpaca", "--to", alpaca, "--dataset-info").ExitCode);
        Assert.Equal(0, LionInvocation.Run("export", "--out", run, "--format", "sharegpt", "--to", sharegpt, "--all").ExitCode);
        var jsonl = LionInvocation.Run("export", "--out", run, "--format", "jsonl").Output.Trim().Split('\n')
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();

        bool Marked(string text) => text.Contains("Sort the following words") || text.Contains("Complete the rest of the sequence");
        Assert.DoesNotContain(JsonDocument.Parse(File.ReadAllText(alpaca)).RootElement.EnumerateArray(), r => Marked(r.GetProperty("instruction").GetString()!));
        Assert.All(JsonDocument.Parse(File.ReadAllText(alpaca)).RootElement.EnumerateArray(), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("output").GetString())));
        Assert.DoesNotContain(JsonDocument.Parse(File.ReadAllText(sharegpt)).RootElement.EnumerateArray(),
            r => Marked(r.GetProperty("conversations")[0].GetProperty("value").GetString()!));
        var refused = jsonl.Where(r => Marked(r.GetProperty("instruction").GetString()!)).ToList();
        Assert.Equal(10, refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal("content_filter", r.GetProperty("state").GetString());
            Assert.False(r.TryGetProperty("output", out _));
        });
        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", alpaca, "--out", _folder.File("student"), "--epochs", "1", "--max-length", "64");
        Assert.True(trained.ExitCode == 0, trained.Error);
    }

    [Fact]
    public async Task An_evaluation_against_an_endpoint_without_run_makes_and_changes_no_run()
    {
        await using var server = await OracleHttpRun.OracleServer();
        string data = Path.Combine(AppContext.BaseDirectory, "bbh-format");
        string defaultRun = Path.GetFullPath(Lion.Cli.Commands.RunFolderOption.DefaultFolder);
        bool existed = Directory.Exists(defaultRun);

        var result = LionInvocation.Run("eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--endpoint-model", "lion-oracle", "--data", data, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain("Made run folder", result.Output);
        Assert.Equal(existed, Directory.Exists(defaultRun));
    }
}
