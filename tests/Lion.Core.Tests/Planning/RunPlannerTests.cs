using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Planning;

namespace Lion.Core.Tests.Planning;

public sealed class RunPlannerTests
{
    private static readonly IReadOnlyList<InstructionRecord> Seeds =
        Enumerable.Range(0, 40).Select(i => new InstructionRecord($"Name a city on the river number {i} and say why people live there.")).ToList();

    private static RunConfig Paid(bool batch) => RunConfigReader.Parse("""
        {"iterations": 2, "new_instructions_per_iteration": 20,
         "teacher": {"endpoint": "https://api.example.com/v1", "model": "gpt-x", "batch": BATCH},
         "referee": {"endpoint": "https://api.example.com/v1", "model": "gpt-x"},
         "generator": {"endpoint": "https://api.example.com/v1", "model": "gpt-x"},
         "prices": {"gpt-x": {"input_per_million": 2, "output_per_million": 8}}, "student": {"kind": "simulated"}}
        """.Replace("BATCH", batch ? "true" : "false"), "lion.json");

    [Fact]
    public void A_batch_role_is_priced_at_the_batch_price_and_left_out_of_the_wall_time()
    {
        var live = RunPlanner.Plan(Paid(batch: false), Seeds);
        var batch = RunPlanner.Plan(Paid(batch: true), Seeds);

        double Cost(RunPlan plan, Role role) => plan.Lines.Where(l => l.Role == role).Sum(l => l.Cost!.Value);
        Assert.Equal(Cost(live, Role.Teacher) / 2, Cost(batch, Role.Teacher), 9);
        Assert.Equal(Cost(live, Role.Referee), Cost(batch, Role.Referee), 9);
        Assert.True(batch.WallMinutes < live.WallMinutes);
        Assert.Contains(batch.Assumptions, a => a.StartsWith("teacher through the Batch API at the batch price", StringComparison.Ordinal));
    }
}
