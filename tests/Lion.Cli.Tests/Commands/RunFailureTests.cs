using System.Text.Json;
using System.Text.RegularExpressions;
using Lion.Endpoint;
using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Testing;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// `lion run` when requests keep failing: nothing is dropped, nothing is marked done that is not,
/// the run stops with exit code 2 and a sentence, and the same command later asks for exactly
/// what is owed.
/// </summary>
public sealed class RunFailureTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public RunFailureTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_item_whose_requests_fail_every_attempt_stays_owed_the_run_exits_2_and_the_same_command_later_asks_for_exactly_it()
    {
        string seeds = _http.WriteSeeds();
        string marked = SeedText(seeds);
        await using var wholeServer = await OracleHttpRun.OracleServer();
        await using var faulty = await OracleHttpRun.OracleServer(new FaultPlan { FailRequestsContaining = marked });
        string whole = _folder.File("whole"), run = _folder.File("run");
        Assert.Equal(0, (await OracleHttpRun.Invoke(["run", "--config", _http.Config(wholeServer, iterations: 1), "--seeds", seeds, "--out", whole])).ExitCode);

        var stopped = await OracleHttpRun.Invoke(
            ["run", "--config", _http.Config(faulty, iterations: 1, retry: OracleHttpRun.QuickRetries), "--seeds", seeds, "--out", run]);
        var status = LionInvocation.Run("status", "--out", run);
        await using var healthy = await OracleHttpRun.OracleServer();
        var resumed = await OracleHttpRun.Invoke(["run", "--config", _http.Config(healthy, iterations: 1), "--out", run]);

        Assert.Equal(2, stopped.ExitCode);
        Assert.Contains("error: iteration 1, imitation: 1 item still owed after every retry; most common failure (1x): HTTP 500", stopped.Error);
        Assert.DoesNotContain("Done.", stopped.Output);
        Assert.Contains("imitation stopped (1 owed)", status.Output);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(OracleHttpRun.Snapshot(whole), OracleHttpRun.Snapshot(run));
        // Every distinct request was answered once between the two servers: nothing paid twice, nothing left out.
        Assert.Equal(wholeServer.Log.DistinctAnswered, faulty.Log.DistinctAnswered + healthy.Log.DistinctAnswered);
    }

    [Fact]
    public async Task With_every_endpoint_down_the_run_stops_soon_with_exit_2_marks_nothing_done_and_finishes_once_the_endpoint_is_up()
    {
        string run = _folder.File("run");
        string down = _http.Config("http://127.0.0.1:1/v1/", iterations: 1, retry: OracleHttpRun.QuickRetries);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stopped = await OracleHttpRun.Invoke(["run", "--config", down, "--seeds", _http.WriteSeeds(), "--out", run]);
        clock.Stop();
        using (var store = RunStore.Open(run))
            Assert.DoesNotContain(store.Summary.Overview().Stages, stage => stage.Status == StageStatus.Done);
        await using var server = await OracleHttpRun.OracleServer();
        var resumed = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1), "--out", run]);

        Assert.Equal(2, stopped.ExitCode);
        Assert.Matches(@"error: iteration 1, imitation: \d+ items still owed after every retry \(the endpoint looks down", stopped.Error);
        Assert.Contains("the connection failed", stopped.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Equal(0, resumed.ExitCode);
        using var finished = RunStore.Open(run);
        Assert.Equal(StageStatus.Done, finished.Loop.Stage(1, LoopStage.Generation).Status);
        Assert.NotEmpty(finished.Loop.Verdicts(1));
    }

    [Fact]
    public async Task An_instruction_the_endpoint_refuses_for_good_is_kept_as_unanswerable_shown_and_never_asked_again()
    {
        // The oracle cannot read a poem request: its endpoint answers 400, as a real one does for a prompt over its context.
        string seeds = _folder.Write("with-poem.jsonl",
            File.ReadAllText(_http.WriteSeeds()) + """{"instruction": "Write a short poem about the sea."}""" + "\n");
        await using var server = await OracleHttpRun.OracleServer();
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 2), "--seeds", seeds, "--out", run]);
        var status = LionInvocation.Run("status", "--out", run);
        var json = LionInvocation.Run("status", "--out", run, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Refused   teacher 1 ", status.Output);
        using var overview = JsonDocument.Parse(json.Output);
        // Asked once in iteration 1; the cache pool of iteration 2 holds it again, and it is not asked again.
        Assert.Equal(1, overview.RootElement.GetProperty("remote_failures_by_kind").GetProperty("bad_request").GetInt32());
        using var store = RunStore.Open(run);
        Assert.DoesNotContain(store.Datasets.ReadDataset(PoolSelection.All), r => r.Instruction.Instruction.Contains("poem") && r.Instruction.Output is not null);
    }

    /// <summary>A run of the first seed's text that a request body holds as it is (JSON escapes none of it).</summary>
    private static string SeedText(string seeds)
    {
        string instruction = JsonDocument.Parse(File.ReadLines(seeds).First()).RootElement.GetProperty("instruction").GetString()!;
        return Regex.Match(instruction, "[A-Za-z0-9 ,.:?]{20,}").Value;
    }
}
