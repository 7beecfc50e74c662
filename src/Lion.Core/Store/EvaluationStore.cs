using System.Text.Json;
using Lion.Core.Evaluation;
namespace Lion.Core.Store;

/// <summary>In the run store: evaluations kept with the run: held-out scores by iteration, judgements and benchmark results.</summary>
public sealed class EvaluationStore(RunStore store)
{
    /// <summary>One test set's results of one iteration, all tasks in one transaction.</summary>
    public void SaveEvaluation(int iteration, TestSet set, IEnumerable<TaskScore> scores) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT OR REPLACE INTO evaluations (iteration, test_set, task, items, correct, created_at)
            VALUES ($iteration, $set, $task, $items, $correct, $now)
            """);
        insert.Parameters.AddWithValue("$iteration", iteration);
        insert.Parameters.AddWithValue("$set", Vocabulary<TestSet>.Word(set));
        var task = insert.Parameters.Add("$task", Microsoft.Data.Sqlite.SqliteType.Text);
        var items = insert.Parameters.Add("$items", Microsoft.Data.Sqlite.SqliteType.Integer);
        var correct = insert.Parameters.Add("$correct", Microsoft.Data.Sqlite.SqliteType.Integer);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        foreach (var score in scores)
        {
            task.Value = score.Task;
            items.Value = score.Items;
            correct.Value = score.Correct;
            insert.ExecuteNonQuery();
        }
    });

    /// <summary>The scores on one test set, per iteration and task.</summary>
    public List<(int Iteration, TaskScore Score)> Scores(TestSet set = TestSet.HeldOut) => store.Read(transaction => store.Rows(transaction,
        "SELECT iteration, task, items, correct FROM evaluations WHERE test_set = $set ORDER BY iteration, task",
        r => (r.GetInt32(0), new TaskScore(r.GetString(1), r.GetInt32(2), r.GetInt32(3), 0)), ("$set", Vocabulary<TestSet>.Word(set))));


    public long SaveJudgement(string questions, string candidate, string reference, string judgeModel, string summaryJson) =>
        store.InTransaction(transaction =>
        {
            using var insert = store.Command(transaction, """
                INSERT INTO judgements (questions, candidate, reference, judge_model, summary_json, created_at)
                VALUES ($questions, $candidate, $reference, $judge, $summary, $now) RETURNING id
                """);
            insert.Parameters.AddWithValue("$questions", questions);
            insert.Parameters.AddWithValue("$candidate", candidate);
            insert.Parameters.AddWithValue("$reference", reference);
            insert.Parameters.AddWithValue("$judge", judgeModel);
            insert.Parameters.AddWithValue("$summary", summaryJson);
            insert.Parameters.AddWithValue("$now", RunStore.Now());
            return (long)insert.ExecuteScalar()!;
        });

    public List<Judgement> Judgements() => store.Read(transaction => store.Rows(transaction,
        "SELECT id, questions, candidate, reference, judge_model, summary_json, created_at FROM judgements ORDER BY id",
        r => new Judgement(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            Json(r.GetString(5)), r.GetString(6))));

    public long SaveBenchmarkResult(string benchmark, string subject, string data, string summaryJson) =>
        store.InTransaction(transaction =>
        {
            using var insert = store.Command(transaction, """
                INSERT INTO benchmark_results (benchmark, subject, data, summary_json, created_at)
                VALUES ($benchmark, $subject, $data, $summary, $now) RETURNING id
                """);
            insert.Parameters.AddWithValue("$benchmark", benchmark);
            insert.Parameters.AddWithValue("$subject", subject);
            insert.Parameters.AddWithValue("$data", data);
            insert.Parameters.AddWithValue("$summary", summaryJson);
            insert.Parameters.AddWithValue("$now", RunStore.Now());
            return (long)insert.ExecuteScalar()!;
        });

    public List<BenchmarkResult> BenchmarkResults() => store.Read(transaction => store.Rows(transaction,
        "SELECT id, benchmark, subject, data, summary_json, created_at FROM benchmark_results ORDER BY id",
        r => new BenchmarkResult(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Json(r.GetString(4)), r.GetString(5))));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>One pairwise evaluation as it was reported: the files compared, the judge, and the summary JSON.</summary>
public sealed record Judgement(long Id, string Questions, string Candidate, string Reference, string JudgeModel, JsonElement Summary, string CreatedAt);

/// <summary>One benchmark evaluation (bbh, agieval): the model or endpoint evaluated, the data folder, and the result JSON.</summary>
public sealed record BenchmarkResult(long Id, string Benchmark, string Subject, string Data, JsonElement Summary, string CreatedAt);
