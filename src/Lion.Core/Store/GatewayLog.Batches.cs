using Lion.Core.Gateway;

namespace Lion.Core.Store;

public sealed partial class GatewayLog
{
    public long BatchWritten(string role, string endpoint, IReadOnlyCollection<string> customIds, long bytes) => store.InTransaction(transaction =>
    {
        long id = store.Single(transaction, """
            INSERT INTO batches (role, endpoint, lines, bytes, status, created_at) VALUES ($role, $endpoint, $lines, $bytes, $status, $now)
            RETURNING id
            """, r => r.GetInt64(0),
            ("$role", role), ("$endpoint", endpoint), ("$lines", customIds.Count), ("$bytes", bytes),
            ("$status", Vocabulary<BatchStatus>.Word(BatchStatus.Submitting)), ("$now", RunStore.Now()));
        using var insert = store.Command(transaction, "INSERT OR IGNORE INTO batch_lines (batch, custom_id) VALUES ($batch, $id)");
        insert.Parameters.AddWithValue("$batch", id);
        var customId = insert.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var line in customIds)
        {
            customId.Value = line;
            insert.ExecuteNonQuery();
        }
        return id;
    });

    public void FileUploaded(long batch, string inputFileId) =>
        store.InTransaction(transaction => store.Execute(transaction, "UPDATE batches SET input_file_id = $file WHERE id = $id",
            ("$file", inputFileId), ("$id", batch)));

    public void BatchSubmitted(long batch, string batchId) =>
        store.InTransaction(transaction => store.Execute(transaction, "UPDATE batches SET batch_id = $batch, status = $status WHERE id = $id",
            ("$batch", batchId), ("$status", Vocabulary<BatchStatus>.Word(BatchStatus.Validating)), ("$id", batch)));

    public void BatchPolled(long batch, BatchStatus status) =>
        store.InTransaction(transaction => store.Execute(transaction, "UPDATE batches SET status = $status WHERE id = $id AND finished_at IS NULL",
            ("$status", Vocabulary<BatchStatus>.Word(status)), ("$id", batch)));

    public void BatchFinished(long batch, BatchStatus status, int answered, int failed) =>
        store.InTransaction(transaction => store.Execute(transaction, """
            UPDATE batches SET status = $status, answered = $answered, failed = $failed, finished_at = $now WHERE id = $id
            """, ("$status", Vocabulary<BatchStatus>.Word(status)), ("$answered", answered), ("$failed", failed), ("$now", RunStore.Now()), ("$id", batch)));

    public IReadOnlyList<StoredBatch> UnfinishedBatches(string role, string endpoint) => store.Read(transaction =>
    {
        var batches = store.Rows(transaction, """
            SELECT id, role, endpoint, lines, bytes, input_file_id, batch_id, status, created_at FROM batches
            WHERE role = $role AND endpoint = $endpoint AND finished_at IS NULL ORDER BY id
            """, Batch, ("$role", role), ("$endpoint", endpoint));
        return batches.Select(b => b with
        {
            CustomIds = store.Rows(transaction, "SELECT custom_id FROM batch_lines WHERE batch = $batch ORDER BY custom_id",
                r => r.GetString(0), ("$batch", b.Id)),
        }).ToList();
    });

    /// <summary>Every batch not finished yet, of any role, oldest first (for lion status).</summary>
    public IReadOnlyList<StoredBatch> PendingBatches() => store.Read(transaction => store.Rows(transaction, """
        SELECT id, role, endpoint, lines, bytes, input_file_id, batch_id, status, created_at FROM batches
        WHERE finished_at IS NULL ORDER BY id
        """, Batch));

    /// <summary>Batches that ended, by status, with the lines answered and failed (for lion status).</summary>
    public IReadOnlyList<(BatchStatus Status, int Batches, int Answered, int Failed)> FinishedBatches() => store.Read(transaction => store.Rows(transaction, """
        SELECT status, COUNT(*), SUM(answered), SUM(failed) FROM batches WHERE finished_at IS NOT NULL GROUP BY status ORDER BY status
        """, r => (Vocabulary<BatchStatus>.Parse(r.GetString(0)), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3))));

    private static StoredBatch Batch(Microsoft.Data.Sqlite.SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt64(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
        Vocabulary<BatchStatus>.Parse(r.GetString(7)), DateTimeOffset.Parse(r.GetString(8), System.Globalization.CultureInfo.InvariantCulture), []);
}
