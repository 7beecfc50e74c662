using System.Text.Json;
using Lion.Cli.Commands;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class PlanCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static JsonElement LastJson(LionInvocation result) =>
        JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]).RootElement.Clone();

    private static Dictionary<string, long> RequestsByRole(JsonElement plan) =>
        plan.GetProperty("plan").EnumerateArray().GroupBy(l => l.GetProperty("role").GetString()!)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.GetProperty("requests").GetInt64()));

    private static Dictionary<string, long> Ledger(string run)
    {
        using var store = RunStore.Open(run);
        return store.Summary.UsageByRole().ToDictionary(u => u.Role, u => u.Paid + u.Cached);
    }

    private static void AssertWithinTenPercent(Dictionary<string, long> planned, Dictionary<string, long> asked)
    {
        foreach (string role in new[] { "teacher", "referee", "generator" })
            Assert.True(Math.Abs(planned[role] - asked[role]) <= 0.1 * asked[role], $"{role}: planned {planned[role]}, asked {asked[role]}");
    }

    [Fact]
    public void The_requests_planned_for_the_smoke_preset_are_what_the_run_asks_and_the_generators_within_a_tenth()
    {
        var planned = RequestsByRole(LastJson(LionInvocation.Run("plan", "--preset", "smoke")));
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", run).ExitCode);

        var asked = Ledger(run);

        Assert.Equal(asked["teacher"], planned["teacher"]);
        Assert.Equal(asked["referee"], planned["referee"]);
        AssertWithinTenPercent(planned, asked);
    }

    [Fact]
    public void The_requests_planned_for_the_demo_schedule_are_within_a_tenth_of_what_the_run_asks_per_role()
    {
        // The demo's seeds, sizes and schedule, with the oracle's simulated student so it takes seconds.
        var (demo, seeds) = RunPresets.Get(RunPreset.Demo);
        string config = _folder.Write("demo.json", RunConfigReader.ToJson(demo with
        {
            Student = new StudentSettings { Kind = StudentKind.Simulated }, Evaluation = new EvaluationSettings(),
        }));
        string seedFile = _folder.File("seeds.jsonl");
        using (var stream = File.Create(seedFile))
            DatasetWriter.Write(seeds.Records.Select((r, i) => new DatasetRecord(i.ToString(), r)), ExportFormat.JsonLines, stream);
        var planned = RequestsByRole(LastJson(LionInvocation.Run("plan", "--config", config, "--seeds", seedFile)));
        string run = _folder.File("run");

        Assert.Equal(0, LionInvocation.Run("run", "--config", config, "--seeds", seedFile, "--out", run).ExitCode);

        AssertWithinTenPercent(planned, Ledger(run));
    }

    [Fact]
    public void A_continued_runs_plan_takes_the_generators_requests_per_kept_instruction_from_its_history()
    {
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", run).ExitCode);
        // The smoke preset's config with three more iterations: the plan is of those three alone.
        string more = _folder.Write("more.json", """{"iterations": 6, "new_instructions_per_iteration": 24, "concurrency": 8}""");

        var plan = LastJson(LionInvocation.Run("plan", "--out", run, "--config", more));

        long planned = RequestsByRole(plan)["generator"], asked = Ledger(run)["generator"];
        Assert.InRange(planned, asked * 0.9, asked * 1.1);
        Assert.Contains(plan.GetProperty("assumptions").EnumerateArray(), a => a.GetString()!.Contains("as this run has measured"));
    }

    [Fact]
    public void A_paid_model_without_a_price_is_named_and_its_cost_is_not_guessed()
    {
        string config = _folder.Write("lion.json", """
            {"iterations": 1, "new_instructions_per_iteration": 10,
             "teacher": {"endpoint": "https://api.example.com/v1", "model": "teacher-x"},
             "referee": {"endpoint": "https://api.example.com/v1", "model": "judge-x"},
             "generator": {"endpoint": "https://api.example.com/v1", "model": "judge-x"},
             "prices": {"judge-x": {"input_per_million": 1, "output_per_million": 2}}, "student": {"kind": "simulated"}}
            """);
        string seeds = _folder.Write("seeds.txt", "Name three rivers of Peru.\nExplain what a prime number is.\n");

        var result = LionInvocation.Run("plan", "--config", config, "--seeds", seeds);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("No price for \"teacher-x\": its cost is not guessed", result.Output);
        var plan = LastJson(result);
        Assert.Equal(["teacher-x"], plan.GetProperty("unpriced_models").EnumerateArray().Select(m => m.GetString()));
        var lines = plan.GetProperty("plan").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, lines.Single(l => l.GetProperty("role").GetString() == "teacher").GetProperty("cost").ValueKind);
        Assert.True(lines.Single(l => l.GetProperty("role").GetString() == "referee").GetProperty("cost").GetDouble() > 0);
        Assert.True(plan.GetProperty("wall_minutes").GetDouble() > 0);
    }

    [Fact]
    public void A_run_stores_its_plan_when_it_starts()
    {
        string fresh = _folder.File("fresh");
        string config = _folder.Write("lion.json", """{"iterations": 1, "new_instructions_per_iteration": 4, "concurrency": 4}""");
        Assert.Equal(0, LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "not ( True ) and ( True ) is\nQuestion: Ann lies. Bob says Ann lies. Does Bob tell the truth?\n"),
            "--out", fresh, "--config", config).ExitCode);

        Assert.Equal(0, LionInvocation.Run("run", "--out", fresh).ExitCode);

        using var store = RunStore.Open(fresh);
        var plan = JsonDocument.Parse(store.Plans.LatestPlan()!).RootElement;
        Assert.Equal(3, plan.GetProperty("plan").GetArrayLength());
        Assert.Equal(2, plan.GetProperty("plan")[0].GetProperty("requests").GetInt64());
    }

    [Fact]
    public void The_plan_of_a_finished_run_is_that_nothing_is_left()
    {
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", run).ExitCode);

        var result = LionInvocation.Run("plan", "--out", run);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Nothing is left to ask: every iteration of the run is done", result.Output);
        var plan = LastJson(result);
        Assert.Equal(0, plan.GetProperty("requests").GetInt64());
        Assert.Equal("simulated", plan.GetProperty("student").GetProperty("kind").GetString());
    }
}
