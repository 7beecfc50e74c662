using Lion.Core.Evaluation;

namespace Lion.Core.Store;

public sealed partial class RunStore
{
    /// <summary>One test set's results of one iteration, all tasks in one transaction.</summary>
    public void SaveEvaluation(int iteration, TestSet set, IEnumerable<TaskScore> scores) => InTransaction(transaction =>
    {
        using var insert = Command(transaction, """
            INSERT OR REPLACE INTO evaluations (iteration, test_set, task, items, correct, created_at)
            VALUES ($iteration, $set, $task, $items, $correct, $now)
            """);
        insert.Parameters.AddWithValue("$iteration", iteration);
        insert.Parameters.AddWithValue("$set", Vocabulary<TestSet>.Word(set));
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

    /// <summary>The scores on one test set, per iteration and task.</summary>
    public List<(int Iteration, TaskScore Score)> Evaluations(TestSet set = TestSet.HeldOut) => Read(transaction => Rows(transaction,
        "SELECT iteration, task, items, correct FROM evaluations WHERE test_set = $set ORDER BY iteration, task",
        r => (r.GetInt32(0), new TaskScore(r.GetString(1), r.GetInt32(2), r.GetInt32(3), 0)), ("$set", Vocabulary<TestSet>.Word(set))));
}
