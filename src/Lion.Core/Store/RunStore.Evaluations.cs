using Lion.Core.Evaluation;

namespace Lion.Core.Store;

public sealed partial class RunStore
{
    /// <summary>Held-out results of one iteration, all tasks in one transaction.</summary>
    public void SaveEvaluation(int iteration, IEnumerable<TaskScore> scores) => InTransaction(transaction =>
    {
        using var insert = Command(transaction, """
            INSERT OR REPLACE INTO evaluations (iteration, task, items, correct, created_at)
            VALUES ($iteration, $task, $items, $correct, $now)
            """);
        insert.Parameters.AddWithValue("$iteration", iteration);
        var task = insert.Parameters.Add("$task", Microsoft.Data.Sqlite.SqliteType.Text);
        var items = insert.Parameters.Add("$items", Microsoft.Data.Sqlite.SqliteType.Integer);
        var correct = insert.Parameters.Add("$correct", Microsoft.Data.Sqlite.SqliteType.Integer);
        insert.Parameters.AddWithValue("$now", Now());
        foreach (var score in scores)
        {
            task.Value = score.Task;
            items.Value = score.Items;
            correct.Value = score.Correct;
            insert.ExecuteNonQuery();
        }
    });

    public List<(int Iteration, TaskScore Score)> Evaluations() => Read(transaction => Rows(transaction,
        "SELECT iteration, task, items, correct FROM evaluations ORDER BY iteration, task",
        r => (r.GetInt32(0), new TaskScore(r.GetString(1), r.GetInt32(2), r.GetInt32(3), 0))));
}
