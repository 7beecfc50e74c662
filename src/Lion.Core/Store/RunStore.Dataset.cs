using Lion.Core.Data;

namespace Lion.Core.Store;

public sealed partial class RunStore
{
    /// <summary>
    /// The instructions of a pool as it stands now (its latest iteration), or all of them, in
    /// the order they entered the run. The output is the teacher's complete answer where there
    /// is one, else the answer the seed came with; truncated teacher answers are never exported.
    /// </summary>
    /// <param name="withProvenance">Each record also carries its origin, iteration, parent and latest verdict.</param>
    public IReadOnlyList<DatasetRecord> ReadDataset(PoolSelection selection, bool withProvenance = false) => Read(transaction =>
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
            SELECT i.id, i.instruction, i.input, COALESCE(t.text, i.output), i.origin, i.iteration_added, i.parent_id,
                   v.label, v.iteration, v.teacher_score, v.student_score, v.gap
            FROM instructions i
            LEFT JOIN teacher_answers t ON t.instruction_id = i.id AND t.finish_reason = 'stop'
            LEFT JOIN verdicts v ON v.instruction_id = i.id
                 AND v.iteration = (SELECT MAX(iteration) FROM verdicts w WHERE w.instruction_id = i.id)
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
            var provenance = withProvenance
                ? new Provenance(Vocabulary<InstructionOrigin>.Parse(reader.GetString(4)), reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : $"lion-{reader.GetInt64(6)}",
                    reader.IsDBNull(7) ? null : Vocabulary<VerdictLabel>.Parse(reader.GetString(7)), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                    reader.IsDBNull(9) ? null : reader.GetDouble(9), reader.IsDBNull(10) ? null : reader.GetDouble(10),
                    reader.IsDBNull(11) ? null : reader.GetDouble(11))
                : null;
            records.Add(new DatasetRecord($"lion-{reader.GetInt64(0)}", instruction, provenance));
        }
        return records;
    });

    /// <summary>
    /// One preference pair per instruction and iteration judged hard: the teacher's complete
    /// answer against that iteration's student answer, with the referee's scores and gap.
    /// </summary>
    public IReadOnlyList<PreferencePair> ReadPreferencePairs(PoolSelection selection) => Read(transaction =>
    {
        string filter = selection == PoolSelection.All ? "" : """
            AND i.id IN (SELECT instruction_id FROM pool_members
                         WHERE pool = $pool AND iteration = (SELECT MAX(iteration) FROM pool_members WHERE pool = $pool))
            """;
        using var query = Command(transaction, $"""
            SELECT i.id, v.iteration, i.instruction, i.input, t.text, s.text, v.teacher_score, v.student_score, v.gap
            FROM verdicts v
            JOIN instructions i ON i.id = v.instruction_id
            JOIN teacher_answers t ON t.instruction_id = v.instruction_id AND t.finish_reason = 'stop' AND length(trim(t.text)) > 0
            JOIN student_answers s ON s.instruction_id = v.instruction_id AND s.iteration = v.iteration
                 AND COALESCE(s.finish_reason, '') NOT IN ('unanswerable', 'content_filter')
            WHERE v.label = 'hard' {filter}
            ORDER BY v.iteration, i.id
            """);
        if (selection != PoolSelection.All)
            query.Parameters.AddWithValue("$pool", selection == PoolSelection.Train ? "train" : "cache");
        var pairs = new List<PreferencePair>();
        using var reader = query.ExecuteReader();
        while (reader.Read())
            pairs.Add(new PreferencePair($"lion-{reader.GetInt64(0)}", reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8)));
        return pairs;
    });
}
