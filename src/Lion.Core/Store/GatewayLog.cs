using Lion.Core.Gateway;

namespace Lion.Core.Store;

/// <summary>
/// The gateway's part of the run store: the request cache (paid answers by request key), the
/// usage ledger and the log of failed requests, in the run's SQLite file beside the loop's records.
/// </summary>
public sealed partial class GatewayLog(RunStore store) : IGatewayLog
{
    public CachedReply? Find(string key) => Lookup("SELECT response_json FROM request_cache WHERE key = $key", key);

    /// <summary>Only entries an older lion stored (version 1) answer a key without the endpoint.</summary>
    public CachedReply? FindLegacy(string key) => Lookup("SELECT response_json FROM request_cache WHERE key = $key AND version = 1", key);

    private CachedReply? Lookup(string sql, string key) => store.Read(transaction =>
    {
        using var query = store.Command(transaction, sql);
        query.Parameters.AddWithValue("$key", key);
        return query.ExecuteScalar() is string json
            ? System.Text.Json.JsonSerializer.Deserialize<CachedReply>(json)
            : null;
    });

    public void Store(string key, string model, string requestJson, CachedReply reply) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT OR IGNORE INTO request_cache (key, model, request_json, response_json, finish_reason, version, created_at)
            VALUES ($key, $model, $request, $response, $finish, 2, $now)
            """);
        insert.Parameters.AddWithValue("$key", key);
        insert.Parameters.AddWithValue("$model", model);
        insert.Parameters.AddWithValue("$request", requestJson);
        insert.Parameters.AddWithValue("$response", System.Text.Json.JsonSerializer.Serialize(reply));
        insert.Parameters.AddWithValue("$finish", (object?)reply.FinishReason ?? DBNull.Value);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    public void Record(UsageEntry entry) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT INTO usage (role, model, cached, input_tokens, output_tokens, cost, batch, iteration, created_at)
            VALUES ($role, $model, $cached, $input, $output, $cost, $batch,
                    (SELECT MAX(iteration) FROM stage_progress WHERE status = 'running'), $now)
            """);
        insert.Parameters.AddWithValue("$role", entry.Role);
        insert.Parameters.AddWithValue("$model", entry.Model);
        insert.Parameters.AddWithValue("$cached", entry.Cached ? 1 : 0);
        insert.Parameters.AddWithValue("$input", entry.InputTokens);
        insert.Parameters.AddWithValue("$output", entry.OutputTokens);
        insert.Parameters.AddWithValue("$cost", entry.Cost);
        insert.Parameters.AddWithValue("$batch", entry.Batch ? 1 : 0);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    public (double Cost, long Tokens) PaidTotals() => store.Read(transaction =>
    {
        using var query = store.Command(transaction,
            "SELECT COALESCE(SUM(cost), 0.0), COALESCE(SUM(input_tokens + output_tokens), 0) FROM usage WHERE cached = 0");
        using var reader = query.ExecuteReader();
        reader.Read();
        return (reader.GetDouble(0), reader.GetInt64(1));
    });

    public void Record(string role, string model, RemoteFailure failure, int attempt) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT INTO remote_failures (role, model, kind, status, message, attempt, iteration, created_at)
            VALUES ($role, $model, $kind, $status, $message, $attempt,
                    (SELECT MAX(iteration) FROM stage_progress WHERE status = 'running'), $now)
            """);
        insert.Parameters.AddWithValue("$role", role);
        insert.Parameters.AddWithValue("$model", model);
        insert.Parameters.AddWithValue("$kind", failure.Kind.ToString());
        insert.Parameters.AddWithValue("$status", (object?)failure.Status ?? DBNull.Value);
        insert.Parameters.AddWithValue("$message", failure.Message);
        insert.Parameters.AddWithValue("$attempt", attempt);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    public void RecordClamp(string role, string model, int asked, int given) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT INTO context_clamps (role, model, asked, given, iteration, created_at)
            VALUES ($role, $model, $asked, $given, (SELECT MAX(iteration) FROM stage_progress WHERE status = 'running'), $now)
            """);
        insert.Parameters.AddWithValue("$role", role);
        insert.Parameters.AddWithValue("$model", model);
        insert.Parameters.AddWithValue("$asked", asked);
        insert.Parameters.AddWithValue("$given", given);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });
}
