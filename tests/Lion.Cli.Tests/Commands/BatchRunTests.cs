using System.Diagnostics;
using Lion.Endpoint;
using Lion.Core.Gateway;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Testing;
using Lion.Tests;
using Microsoft.Data.Sqlite;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// `lion run` with every role in batch mode, against the project's endpoint emulating the Files
/// and Batches endpoints over the oracle: the same data as a live run, one submission per batch
/// file, a kill while a batch is pending resumed without a new submission, failed and expired
/// lines asked again, and the budget kept before a batch is submitted.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BatchRunTests : IDisposable
{
    private const string BatchRole = """, "batch": true""";
    private static readonly string Lion = Path.Combine(AppContext.BaseDirectory, "lion");
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public BatchRunTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    private static string Batch(bool overAsk = true, double pollSeconds = 0.2) =>
        $$""", "batch": {"collect_seconds": 0.2, "poll_seconds": {{pollSeconds}}, "max_poll_seconds": 0.5, "generation_over_ask": {{(overAsk ? "true" : "false")}}}""";

    private static Task<TestEndpoint> Serve(FaultPlan? faults = null, TimeSpan delay = default) =>
        TestEndpoint.StartAsync(new OracleChatClient(new OracleOptions { Seed = 2305 }),
            new ChatServerOptions { Models = ["lion-oracle"], BatchCompletionDelay = delay }, faults);

    private static List<(string? BatchId, string Status, int Lines, int Answered, int Failed)> StoredBatches(string run)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(run, "lion.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT batch_id, status, lines, answered, failed FROM batches ORDER BY id";
        using var reader = query.ExecuteReader();
        var rows = new List<(string?, string, int, int, int)>();
        while (reader.Read())
            rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        return rows;
    }

    [Fact]
    public async Task A_batch_run_makes_the_same_pools_verdicts_and_generations_as_a_live_run_and_sends_no_live_request()
    {
        await using var live = await OracleHttpRun.OracleServer();
        await using var batch = await Serve();
        string liveRun = _folder.File("live"), batchRun = _folder.File("batch");

        var first = await OracleHttpRun.Invoke(["run", "--config", _http.Config(live, iterations: 2, concurrency: 64), "--seeds", _http.WriteSeeds(), "--out", liveRun]);
        var second = await OracleHttpRun.Invoke(["run", "--config", _http.Config(batch, iterations: 2, concurrency: 64, role: BatchRole, extra: Batch(overAsk: false)),
            "--seeds", _http.WriteSeeds(), "--out", batchRun]);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(OracleHttpRun.Snapshot(liveRun), OracleHttpRun.Snapshot(batchRun));
        Assert.Equal(0, batch.Server.Received);
        Assert.All(batch.Server.Batches.BatchesPerFile.Values, count => Assert.Equal(1, count));
        Assert.Equal(StoredBatches(batchRun).Count, batch.Server.Batches.BatchesCreated);
        using var store = RunStore.Open(batchRun);
        Assert.Equal(store.Summary.Overview().Usage.Requests, store.Summary.Overview().Usage.BatchRequests);
    }

    [Fact]
    public async Task Generation_keeps_the_same_instructions_live_at_any_concurrency_and_in_batch_mode()
    {
        await using var live = await OracleHttpRun.OracleServer();
        await using var batch = await Serve();
        string one = _folder.File("one"), three = _folder.File("three"), batched = _folder.File("batched");

        var runs = new[]
        {
            await OracleHttpRun.Invoke(["run", "--config", _http.Config(live, iterations: 2, concurrency: 1), "--seeds", _http.WriteSeeds(), "--out", one]),
            await OracleHttpRun.Invoke(["run", "--config", _http.Config(live, iterations: 2, concurrency: 3), "--seeds", _http.WriteSeeds(), "--out", three]),
            await OracleHttpRun.Invoke(["run", "--config", _http.Config(batch, iterations: 2, concurrency: 5, role: BatchRole, extra: Batch(overAsk: false)),
                "--seeds", _http.WriteSeeds(), "--out", batched]),
        };

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Error));
        Assert.Equal(OracleHttpRun.Snapshot(one), OracleHttpRun.Snapshot(three));
        Assert.Equal(OracleHttpRun.Snapshot(one), OracleHttpRun.Snapshot(batched));
    }

    [Fact]
    public async Task Over_asking_fills_the_generator_quota_in_fewer_batches()
    {
        await using var server = await Serve();
        string exact = _folder.File("exact"), over = _folder.File("over");

        var first = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1, role: BatchRole, extra: Batch(overAsk: false)),
            "--seeds", _http.WriteSeeds(), "--out", exact]);
        var second = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1, role: BatchRole, extra: Batch(overAsk: true)),
            "--seeds", _http.WriteSeeds(), "--out", over]);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        using var exactStore = RunStore.Open(exact);
        using var overStore = RunStore.Open(over);
        Assert.Equal(24, overStore.Loop.Attempts(1).Count(a => a.Kept));
        Assert.True(overStore.Loop.Attempts(1).Max(a => a.Slot) < exactStore.Loop.Attempts(1).Max(a => a.Slot) || StoredBatches(over).Count < StoredBatches(exact).Count,
            "over-asking took as many rounds as asking for the shortfall alone");
    }

    [Fact]
    public async Task A_run_killed_while_a_batch_is_pending_polls_the_same_batch_when_run_again()
    {
        await using var server = await Serve(delay: TimeSpan.FromSeconds(5));
        string run = _folder.File("run");
        string config = _http.Config(server, iterations: 1, role: BatchRole, extra: Batch());
        string seeds = _http.WriteSeeds();

        await KillOnceABatchIsPending(config, seeds, run);
        Assert.Equal(1, server.Server.Batches.BatchesCreated);
        var pending = StoredBatches(run).Single();
        var status = await OracleHttpRun.Invoke(["status", "--out", run]);
        Assert.Contains($"  {pending.BatchId}: teacher, {pending.Lines} lines, ", status.Output);
        Assert.Contains("1 pending", status.Output);
        server.Server.Batches.CompletionDelay = TimeSpan.Zero;

        var again = await OracleHttpRun.Invoke(["run", "--config", config, "--seeds", seeds, "--out", run]);

        Assert.True(again.ExitCode == 0, again.Error);
        var batches = StoredBatches(run);
        Assert.Equal(("completed", pending.Lines), (batches[0].Status, batches[0].Answered));
        Assert.Equal(pending.BatchId, batches[0].BatchId);
        Assert.All(server.Server.Batches.BatchesPerFile.Values, count => Assert.Equal(1, count));
        Assert.Equal(batches.Count, server.Server.Batches.BatchesCreated);
        Assert.Equal(0, server.Server.Received);
    }

    [Fact]
    public async Task A_pending_batch_is_cancelled_by_lion_batch_cancel_and_the_next_run_finishes_leaving_no_file_at_the_provider()
    {
        await using var server = await Serve(delay: TimeSpan.FromSeconds(30));
        string run = _folder.File("run");
        string config = _http.Config(server, iterations: 1, role: BatchRole, extra: Batch());
        string seeds = _http.WriteSeeds();
        await KillOnceABatchIsPending(config, seeds, run);
        string batchId = StoredBatches(run).Single().BatchId!;

        var cancelled = await OracleHttpRun.Invoke(["batch", "cancel", "--out", run]);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var listed = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("batches?limit=10")).RootElement;
        server.Server.Batches.CompletionDelay = TimeSpan.Zero;
        var again = await OracleHttpRun.Invoke(["run", "--config", config, "--seeds", seeds, "--out", run]);
        var files = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("files")).RootElement;

        Assert.True(cancelled.ExitCode == 0, cancelled.Error);
        Assert.Contains($"{batchId} (teacher, ", cancelled.Output);
        Assert.Contains(": cancelling", cancelled.Output);
        Assert.Equal(batchId, listed.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Contains(listed.GetProperty("data")[0].GetProperty("status").GetString(), new[] { "cancelling", "cancelled" });
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal("cancelled", StoredBatches(run)[0].Status);
        Assert.True(files.GetProperty("data").GetArrayLength() == 0, files.ToString());
    }

    [Fact]
    public async Task The_emulated_files_and_batches_endpoints_list_cancel_and_delete_as_openai_documents_them()
    {
        await using var server = await Serve(delay: TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var line = """{"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "lion-oracle", "messages": [{"role": "user", "content": "((1 + 2) * 3) ="}]}}""";
        using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" }, { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(line + "\n")), "file", "in.jsonl" } };
        string fileId = System.Text.Json.JsonDocument.Parse(await (await http.PostAsync("files", form)).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        async Task<string> Create() => System.Text.Json.JsonDocument.Parse(await (await http.PostAsync("batches", new StringContent(
            $$"""{"input_file_id": "{{fileId}}", "endpoint": "/v1/chat/completions", "completion_window": "24h"}""", System.Text.Encoding.UTF8, "application/json")))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        string older = await Create(), newer = await Create();

        var page = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("batches?limit=1")).RootElement;
        var next = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"batches?limit=1&after={newer}")).RootElement;
        var cancel = await http.PostAsync($"batches/{older}/cancel", null);
        var cancelAgain = await http.PostAsync($"batches/{older}/cancel", null);
        var files = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("files?purpose=batch")).RootElement;
        var deleted = await http.DeleteAsync($"files/{fileId}");
        var deletedAgain = await http.DeleteAsync($"files/{fileId}");

        Assert.Equal((newer, true), (page.GetProperty("data")[0].GetProperty("id").GetString(), page.GetProperty("has_more").GetBoolean()));
        Assert.Equal((older, false), (next.GetProperty("data")[0].GetProperty("id").GetString(), next.GetProperty("has_more").GetBoolean()));
        Assert.Equal("cancelling", System.Text.Json.JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(400, (int)cancelAgain.StatusCode);
        Assert.Equal(fileId, files.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.True(System.Text.Json.JsonDocument.Parse(await deleted.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetBoolean());
        Assert.Equal(404, (int)deletedAgain.StatusCode);
    }

    /// <summary>Starts `lion run` as a process and kills it (as kill -9 does) once a batch is pending at the provider.</summary>
    private static async Task KillOnceABatchIsPending(string config, string seeds, string run)
    {
        using var first = Process.Start(new ProcessStartInfo(Lion, ["run", "--config", config, "--seeds", seeds, "--out", run])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(Path.Combine(run, "lion.db")) && StoredBatchesOrNone(run).Any(b => b.BatchId is not null)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no batch was submitted within a minute");
            Assert.False(first.HasExited, "the run ended before its batch was pending");
            await Task.Delay(50);
        }
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
    }

    private static List<(string? BatchId, string Status, int Lines, int Answered, int Failed)> StoredBatchesOrNone(string run)
    {
        try
        {
            return StoredBatches(run);
        }
        catch (SqliteException)
        {
            return []; // The store is still being created.
        }
    }

    [Fact]
    public async Task An_expired_batch_and_failed_lines_are_asked_again_and_each_answer_is_paid_once()
    {
        var faults = new FaultPlan { ExpiredBatches = [1], FailedBatchLines = 0.3, FailLinesInFirstBatches = 2 };
        await using var server = await Serve(faults);
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1, role: BatchRole, extra: Batch()),
            "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.True(result.ExitCode == 0, result.Error);
        var batches = StoredBatches(run);
        Assert.Equal("expired", batches[0].Status);
        Assert.True(batches[0].Answered < batches[0].Lines, "the expired batch answered every line");
        Assert.True(batches.Take(2).Sum(b => b.Failed) > 0, "no line failed");
        using var store = RunStore.Open(run);
        Assert.Equal(store.Loop.PoolMembers(Pool.Train, 1).Count, store.Loop.TeacherAnswers().Count);
        var overview = store.Summary.Overview();
        Assert.Equal(batches.Sum(b => b.Answered), (int)overview.Usage.BatchRequests);
        Assert.Equal(batches.Sum(b => b.Failed), overview.BatchesDone.Failed);
        Assert.True(overview.RemoteFailuresByKind.GetValueOrDefault("ServerError") >= batches.Sum(b => b.Failed));
    }

    [Fact]
    public async Task The_budget_refuses_a_batch_that_would_exceed_it_before_it_is_submitted()
    {
        await using var server = await Serve();
        string run = _folder.File("run");
        const string Prices = """, "prices": {"lion-oracle": {"input_per_million": 1000, "output_per_million": 1000}}""";

        var result = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1, budget: """{"max_cost": 1}""", role: BatchRole, extra: Batch() + Prices),
            "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("this batch up to", result.Error);
        Assert.Equal(0, server.Server.Batches.BatchesCreated);
    }
}
