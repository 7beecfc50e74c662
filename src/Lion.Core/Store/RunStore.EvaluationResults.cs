using System.Text.Json;

namespace Lion.Core.Store;

public sealed partial class RunStore
{
    /// <summary>One pairwise evaluation as it was reported: the files compared, the judge, and the summary JSON.</summary>
    public sealed record Judgement(long Id, string Questions, string Candidate, string Reference, string JudgeModel, JsonElement Summary, string CreatedAt);

    public long SaveJudgement(string questions, string candidate, string reference, string judgeModel, string summaryJson) =>
        InTransaction(transaction =>
        {
            using var insert = Command(transaction, """
                INSERT INTO judgements (questions, candidate, reference, judge_model, summary_json, created_at)
                VALUES ($questions, $candidate, $reference, $judge, $summary, $now) RETURNING id
                """);
            insert.Parameters.AddWithValue("$questions", questions);
            insert.Parameters.AddWithValue("$candidate", candidate);
            insert.Parameters.AddWithValue("$reference", reference);
            insert.Parameters.AddWithValue("$judge", judgeModel);
            insert.Parameters.AddWithValue("$summary", summaryJson);
            insert.Parameters.AddWithValue("$now", Now());
            return (long)insert.ExecuteScalar()!;
        });

    public List<Judgement> Judgements() => Read(transaction => Rows(transaction,
        "SELECT id, questions, candidate, reference, judge_model, summary_json, created_at FROM judgements ORDER BY id",
        r => new Judgement(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            Json(r.GetString(5)), r.GetString(6))));

    /// <summary>One benchmark evaluation (bbh, agieval): the model or endpoint evaluated, the data folder, and the result JSON.</summary>
    public sealed record BenchmarkResult(long Id, string Benchmark, string Subject, string Data, JsonElement Summary, string CreatedAt);

    public long SaveBenchmarkResult(string benchmark, string subject, string data, string summaryJson) =>
        InTransaction(transaction =>
        {
            using var insert = Command(transaction, """
                INSERT INTO benchmark_results (benchmark, subject, data, summary_json, created_at)
                VALUES ($benchmark, $subject, $data, $summary, $now) RETURNING id
                """);
            insert.Parameters.AddWithValue("$benchmark", benchmark);
            insert.Parameters.AddWithValue("$subject", subject);
            insert.Parameters.AddWithValue("$data", data);
            insert.Parameters.AddWithValue("$summary", summaryJson);
            insert.Parameters.AddWithValue("$now", Now());
            return (long)insert.ExecuteScalar()!;
        });

    public List<BenchmarkResult> BenchmarkResults() => Read(transaction => Rows(transaction,
        "SELECT id, benchmark, subject, data, summary_json, created_at FROM benchmark_results ORDER BY id",
        r => new BenchmarkResult(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Json(r.GetString(4)), r.GetString(5))));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
