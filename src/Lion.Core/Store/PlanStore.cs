
namespace Lion.Core.Store;

/// <summary>In the run store: what a run plans before it asks, and what it has measured for planning the rest.</summary>
public sealed class PlanStore(RunStore store)
{
    /// <summary>What this run has measured so far, for planning the rest of it.</summary>
    public PlanHistory PlanHistory() => store.Read(transaction =>
    {
        var output = store.Rows(transaction, "SELECT role, AVG(output_tokens) FROM usage WHERE cached = 0 AND output_tokens > 0 GROUP BY role",
            r => (Role: r.GetString(0), Mean: r.GetDouble(1))).ToDictionary(o => o.Role, o => o.Mean);
        var (attempts, kept) = store.Single(transaction, "SELECT COUNT(*), COALESCE(SUM(kept), 0) FROM generation_attempts",
            r => (r.GetInt64(0), r.GetInt64(1)));
        var (asked, reviews) = store.Single(transaction, """
            SELECT COUNT(*), COUNT(DISTINCT instruction_id || ' ' || iteration || ' ' || teacher_first) FROM referee_reviews
            """, r => (r.GetInt64(0), r.GetInt64(1)));
        int done = store.Single(transaction, "SELECT COALESCE(MAX(iteration), 0) FROM stage_progress WHERE stage = $stage AND status = 'done'",
            r => r.GetInt32(0), ("$stage", Vocabulary<LoopStage>.Word(LoopStage.Generation)));
        return new PlanHistory(output, kept > 0 ? attempts / (double)kept : null, reviews > 0 ? asked / (double)reviews : null, done);
    });

    /// <summary>The seed instructions the run was created with, which a plan is made from.</summary>
    public IReadOnlyList<Data.InstructionRecord> SeedInstructions() =>
        store.Datasets.ReadDataset(PoolSelection.All, withProvenance: true).Where(r => r.Provenance!.Origin == InstructionOrigin.Seed).Select(r => r.Instruction).ToList();

    /// <summary>Keeps the plan a run starts with (or is continued with), for the report's plan against actual.</summary>
    public void SavePlan(string planJson) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, "INSERT INTO plans (plan_json, created_at) VALUES ($plan, $now)");
        insert.Parameters.AddWithValue("$plan", planJson);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    /// <summary>The latest stored plan, as JSON; null when the run has none.</summary>
    public string? LatestPlan() => store.Read(transaction =>
        store.Rows(transaction, "SELECT plan_json FROM plans ORDER BY id DESC LIMIT 1", r => r.GetString(0)).FirstOrDefault());

    /// <summary>Requests, tokens and cost by iteration and role (paid and cache hits), for plan against actual.</summary>
    public List<(int Iteration, string Role, long Requests, long InputTokens, long OutputTokens, double Cost)> UsageByIteration() =>
        store.Read(transaction => store.Rows(transaction, """
            SELECT iteration, role, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost) FROM usage
            WHERE iteration IS NOT NULL GROUP BY iteration, role ORDER BY iteration, role
            """, r => (r.GetInt32(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDouble(5))));
}
