using Lion.Core.Data;

namespace Lion.Core.Store;

public sealed partial class RunStore
{
    /// <summary>
    /// The instructions of a pool as it stands now (its latest iteration), or all of them, in
    /// the order they entered the run. The output is the teacher's complete answer where there
    /// is one, else the answer the seed came with; truncated teacher answers are never exported.
    /// </summary>
    public IReadOnlyList<DatasetRecord> ReadDataset(PoolSelection selection) => Read(transaction =>
    {
        string filter = selection switch
        {
            PoolSelection.All => "",
            _ => """
                 WHERE i.id IN (SELECT instruction_id FROM pool_members
                                WHERE pool = $pool
                                  AND iteration = (SELECT MAX(iteration) FROM pool_members WHERE pool = $pool))
                 """,
        };
        using var query = Command(transaction, $"""
            SELECT i.id, i.instruction, i.input, COALESCE(t.text, i.output)
            FROM instructions i
            LEFT JOIN teacher_answers t ON t.instruction_id = i.id AND t.finish_reason = 'stop'
            {filter}
            ORDER BY i.id
            """);
        if (selection != PoolSelection.All)
            query.Parameters.AddWithValue("$pool", selection == PoolSelection.Train ? "train" : "cache");

        var records = new List<DatasetRecord>();
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            var instruction = new InstructionRecord(
                reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            records.Add(new DatasetRecord($"lion-{reader.GetInt64(0)}", instruction));
        }
        return records;
    });
}
