using System.Text.Json;
using Lion.Endpoint;
using Lion.Core;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Lion.Testing;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public RunCommandTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    private static readonly string[] WeakFamilies =
        ["multistep_arithmetic_two", "tracking_shuffled_objects", "dyck_languages", "logical_deduction", "word_sorting"];

    private static string Family(string instruction) => Oracle.Oracle.Solve(instruction).Shape.Family;

    [Fact]
    public void A_smoke_run_completes_and_the_pools_follow_the_papers_rule()
    {
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--preset", "smoke", "--out", run);

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith($"Done.\nReport: {Path.Combine(run, "report", "index.html")}", result.Output.Trim());
        Assert.True(File.Exists(Path.Combine(run, "report", "index.html")));
        using var store = RunStore.Open(run);
        for (int i = 1; i <= 3; i++)
        {
            var kept = store.Loop.Attempts(i).Where(a => a.Kept).Select(a => a.InstructionId!.Value).ToHashSet();
            var train = store.Loop.PoolMembers(Pool.Train, i + 1).Select(p => p.Id).ToHashSet();
            var cache = store.Loop.PoolMembers(Pool.Cache, i).Select(p => p.Id).ToHashSet();
            var nextCache = store.Loop.PoolMembers(Pool.Cache, i + 1).Select(p => p.Id).ToHashSet();
            Assert.Equal(24, kept.Count);
            Assert.Equal(kept, train);
            Assert.Equal(cache.Union(kept).ToHashSet(), nextCache);
            Assert.All(new[] { LoopStage.Imitation, LoopStage.Discrimination, LoopStage.Generation }, stage => Assert.Equal(StageStatus.Done, store.Loop.Stage(i, stage).Status));
        }
    }

    [Fact]
    public void The_hard_set_is_dominated_by_the_students_weak_families_and_hard_instructions_keep_their_family()
    {
        string run = _folder.File("run");
        LionInvocation.Run("run", "--preset", "smoke", "--out", run);
        using var store = RunStore.Open(run);
        var cache = store.Loop.PoolMembers(Pool.Cache, 1).ToDictionary(p => p.Id, p => Family(p.Instruction));

        var verdicts = store.Loop.Verdicts(1);
        var hard = verdicts.Where(v => v.Label == VerdictLabel.Hard).Select(v => cache[v.InstructionId]).ToList();
        double HardRate(bool weak) => verdicts.Where(v => WeakFamilies.Contains(cache[v.InstructionId]) == weak)
            .Average(v => v.Label == VerdictLabel.Hard ? 1.0 : 0.0);

        Assert.True(hard.Count(WeakFamilies.Contains) >= 0.7 * hard.Count, $"hard by family: {string.Join(", ", hard.GroupBy(f => f).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.True(HardRate(weak: true) > HardRate(weak: false) + 0.3);
        foreach (var attempt in store.Loop.Attempts(1).Where(a => a.Kept && a.Kind == GenerationKind.Hard))
            Assert.Equal(cache[attempt.SeedInstructionId], Family(attempt.Candidate!));
    }

    [Fact]
    public void The_tiny_preset_trains_the_torch_student_and_scores_it_on_held_out_tasks_every_iteration()
    {
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--preset", "tiny", "--out", run);
        var status = LionInvocation.Run("status", "--out", run);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("held-out:", result.Output);
        using var store = RunStore.Open(run);
        var evaluations = store.Evaluations.Scores();
        Assert.Equal([1, 2], evaluations.Select(e => e.Iteration).Distinct());
        Assert.Equal(9, evaluations.Count(e => e.Iteration == 1));
        Assert.True(File.Exists(Path.Combine(run, "student", "iteration-2", "model.safetensors")));
        var heldOut = Directory.GetFiles(Path.Combine(run, "heldout")).SelectMany(f => Lion.Core.Evaluation.BbhFile.Read(f)).Select(e => e.Input);
        var trained = store.Datasets.ReadDataset(PoolSelection.All).Select(r => r.Instruction.Instruction);
        Assert.Empty(heldOut.Intersect(trained));
        Assert.Contains("held-out ", status.Output);
    }

    [Fact]
    public void The_run_student_folder_is_always_the_latest_checkpoint_and_loads_as_a_model()
    {
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "tiny", "--out", run).ExitCode);

        string latest = Path.Combine(run, "student");
        Assert.Equal(Path.Combine("iteration-2", "model.safetensors"), new FileInfo(Path.Combine(latest, "model.safetensors")).LinkTarget);
        var (model, tokenizer) = Lion.Torch.Checkpoints.HuggingFaceFolder.LoadWithTokenizer(latest);
        using var disposeModel = model;
        (tokenizer as IDisposable)?.Dispose();
        string prompts = _folder.Write("prompts.txt", "not ( True ) and ( True ) is\n");
        Assert.Equal(0, LionInvocation.Run("generate", "--model", latest, "--prompts", prompts, "--max-new-tokens", "4").ExitCode);
    }

    [Fact]
    public void With_train_on_all_imitation_trains_on_the_whole_cache_pool()
    {
        string config = _folder.Write("lion.json", """{"iterations": 2, "new_instructions_per_iteration": 6, "concurrency": 4, "train_on": "all"}""");
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--preset", "smoke", "--config", config, "--out", run);

        Assert.True(result.ExitCode == 0, result.Error);
        using var store = RunStore.Open(run);
        string checkpoint = store.Loop.Checkpoint(2)!;
        var trained = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(checkpoint))!;
        // The simulated student's checkpoint lists every question it was trained on, iteration 1 and 2 together.
        Assert.Equal(store.Loop.PoolMembers(Pool.Cache, 1).Count + store.Loop.PoolMembers(Pool.Cache, 2).Count, trained.Count);
    }

    [Fact]
    public void Generated_instructions_never_copy_a_pool_item_or_a_held_out_test_item_even_without_the_novelty_rule()
    {
        // Two-operand boolean expressions are a small space: a generator asked for many new ones
        // keeps drawing items it has seen, and ones the held-out set holds.
        var family = Oracle.Oracle.Family("boolean_expressions");
        var random = new Random(7);
        var space = Enumerable.Range(0, 3000).Select(_ => family.Generate(random, 2, "plain").Input).Distinct().ToList();
        var seeds = space.Take(10).ToList();
        var heldOut = space.Skip(10).Take(space.Count / 2).ToList();
        string seedFile = _folder.Write("seeds.txt", string.Join("\n", seeds));
        Directory.CreateDirectory(_folder.File("heldout"));
        File.WriteAllText(_folder.File("heldout/boolean_expressions.json"),
            JsonSerializer.Serialize(new { examples = heldOut.Select(input => new { input, target = Oracle.Oracle.Solve(input).Target }) }));
        string config = _folder.Write("lion.json", $$$"""
            {"iterations": 1, "new_instructions_per_iteration": 12, "concurrency": 4, "novelty_threshold": 1.0,
             "generation_attempts_per_instruction": 10, "evaluation": {"bbh_data": "{{{_folder.File("heldout")}}}"}}
            """);
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", config, "--seeds", seedFile, "--out", run);

        Assert.True(result.ExitCode == 0, result.Error);
        using var store = RunStore.Open(run);
        var attempts = store.Loop.Attempts(1);
        Assert.Contains(attempts, a => a.RejectReason == RejectReason.HeldOut);
        Assert.Contains(attempts, a => a.RejectReason == RejectReason.Duplicate);
        var kept = attempts.Where(a => a.Kept).Select(a => a.Candidate!).ToList();
        Assert.NotEmpty(kept);
        Assert.Empty(kept.Intersect(heldOut.Concat(seeds)));
        Assert.Equal(kept.Count, kept.Distinct().Count());
    }

    [Fact]
    public void A_malformed_config_is_refused_with_its_key_path_before_anything_is_written()
    {
        string config = _folder.Write("lion.json", """{"hard_easy_ratio": "2:x"}""");
        string seeds = _folder.Write("seeds.txt", "Question: Ann lies. Bob says Ann lies. Does Bob tell the truth?");
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", config, "--seeds", seeds, "--out", run);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {config}: hard_easy_ratio: must be two whole numbers", result.Error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public async Task A_run_stopped_part_way_and_resumed_ends_as_an_uninterrupted_one_and_pays_only_for_what_was_in_flight()
    {
        await using var uninterruptedServer = await OracleHttpRun.OracleServer();
        await using var resumedServer = await OracleHttpRun.OracleServer();
        string whole = _folder.File("whole"), resumed = _folder.File("resumed");
        string seeds = _http.WriteSeeds();

        Assert.Equal(0, (await OracleHttpRun.Invoke(["run", "--config", _http.Config(uninterruptedServer), "--seeds", seeds, "--out", whole])).ExitCode);
        var stopped = await OracleHttpRun.Invoke(["run", "--config", _http.Config(resumedServer), "--seeds", seeds, "--out", resumed], stopAfterLines: 60);
        int beforeResume = resumedServer.Log.Received;
        var finished = await OracleHttpRun.Invoke(["run", "--out", resumed]);

        Assert.Equal(130, stopped.ExitCode);
        Assert.Contains("continues", stopped.Error);
        Assert.Equal(0, finished.ExitCode);
        Assert.True(beforeResume > 0);
        Assert.Equal(OracleHttpRun.Snapshot(whole), OracleHttpRun.Snapshot(resumed));
        int extra = resumedServer.Log.Received - uninterruptedServer.Log.Received;
        Assert.InRange(extra, 0, 8);
        Assert.InRange(resumedServer.Log.RepeatsOfAnswered, 0, 8);
    }

    [Fact]
    public async Task Under_endpoint_faults_the_run_completes_and_status_shows_the_failures()
    {
        await using var server = await OracleHttpRun.OracleServer(new FaultPlan
        {
            RateLimited = 0.04, ServerError = 0.03, DropConnection = 0.02, MalformedJson = 0.02,
            RetryAfter = TimeSpan.FromMilliseconds(20), Seed = 3,
        });
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1), "--seeds", _http.WriteSeeds(), "--out", run]);
        var status = LionInvocation.Run("status", "--out", run, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(status.Output);
        var failures = json.RootElement.GetProperty("remote_failures_by_kind").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.True(failures.Values.Sum() > 0);
        Assert.Contains("rate_limited", failures.Keys);
        Assert.Equal(24, json.RootElement.GetProperty("results")[0].GetProperty("kept").GetInt32());
    }

    [Fact]
    public async Task A_refused_key_stops_the_run_with_exit_code_2_and_the_next_run_continues()
    {
        await using var server = await OracleHttpRun.OracleServer(apiKey: "sk-right");
        string run = _folder.File("run");
        string variable = $"LION_TEST_KEY_{Guid.NewGuid():N}";
        string config = _http.Config(server, iterations: 1, keyVariable: variable);
        Environment.SetEnvironmentVariable(variable, "sk-wrong");
        try
        {
            var refused = await OracleHttpRun.Invoke(["run", "--config", config, "--seeds", _http.WriteSeeds(), "--out", run]);
            Environment.SetEnvironmentVariable(variable, "sk-right");
            var resumed = await OracleHttpRun.Invoke(["run", "--out", run]);

            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("the endpoint refused the run", refused.Error);
            Assert.Contains("Incorrect API key", refused.Error);
            Assert.Equal(0, resumed.ExitCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task The_budget_stops_the_run_cleanly_and_a_higher_budget_lets_it_finish()
    {
        await using var server = await OracleHttpRun.OracleServer();
        string run = _folder.File("run");
        string tight = _http.Config(server, iterations: 1, budget: """{"max_tokens": 30000}""");

        var stopped = await OracleHttpRun.Invoke(["run", "--config", tight, "--seeds", _http.WriteSeeds(), "--out", run]);
        long paid;
        using (var store = RunStore.Open(run))
            paid = store.Summary.Overview().Usage.InputTokens + store.Summary.Overview().Usage.OutputTokens;
        var finished = await OracleHttpRun.Invoke(["run", "--out", run, "--config", _http.Config(server, iterations: 1, budget: """{"max_tokens": 10000000}""")]);

        Assert.Equal(2, stopped.ExitCode);
        Assert.Contains("Stopped at the budget", stopped.Error);
        Assert.InRange(paid, 1, 30000);
        Assert.Equal(0, finished.ExitCode);
    }
}
