using Lion.Core.Data;
using Lion.Core.Gateway;

namespace Lion.Core.Store;

/// <summary>In the run store: the run's data as exports read it: instructions with their answers and provenance, and preference pairs.</summary>
public sealed class DatasetStore(RunStore store)
{
    /// <summary>
    /// The instructions of a pool as it stands now (its latest iteration), or all of them, in
    /// the order they entered the run, each with its <see cref="AnswerState"/>. The output is the
    /// teacher's complete answer where there is one, else the answer the seed came with; a cut-off
    /// or empty teacher answer is never an output, and an instruction the endpoint refused has none.
    /// </summary>
    /// <param name="withProvenance">Each record also carries its origin, iteration, parent and latest verdict.</param>
    public IReadOnlyList<DatasetRecord> ReadDataset(PoolSelection selection, bool withProvenance = false) => store.Read(transaction =>
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
        using var query = store.Command(transaction, $"""
            SELECT i.id, i.instruction, i.input, i.output, i.origin, i.iteration_added, i.parent_id,
                   v.label, v.iteration, v.teacher_score, v.student_score, v.gap, t.text, t.finish_reason, t.instruction_id IS NOT NULL
            FROM instructions i
            LEFT JOIN teacher_answers t ON t.instruction_id = i.id
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
            var (state, output) = Answer(reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(14),
                reader.IsDBNull(12) ? null : reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetString(13));
            var instruction = new InstructionRecord(reader.GetString(1), reader.GetString(2), output);
            var provenance = withProvenance
                ? new Provenance(Vocabulary<InstructionOrigin>.Parse(reader.GetString(4)), reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : $"lion-{reader.GetInt64(6)}",
                    reader.IsDBNull(7) ? null : Vocabulary<VerdictLabel>.Parse(reader.GetString(7)), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                    reader.IsDBNull(9) ? null : reader.GetDouble(9), reader.IsDBNull(10) ? null : reader.GetDouble(10),
                    reader.IsDBNull(11) ? null : reader.GetDouble(11))
                : null;
            records.Add(new DatasetRecord($"lion-{reader.GetInt64(0)}", instruction, provenance) { State = state });
        }
        return records;
    });

    /// <summary>
    /// An instruction's answer and its state: a refusal has no output whatever the seed came with;
    /// the teacher's complete answer wins; else the seed's own answer, else why there is none.
    /// </summary>
    private static (AnswerState State, string? Output) Answer(string? seedOutput, bool asked, string? text, string? finish)
    {
        if (finish == ItemOutcome.Unanswerable.Value)
            return (AnswerState.Refused, null);
        if (finish == ItemOutcome.ContentFilter.Value)
            return (AnswerState.ContentFiltered, null);
        var teacher = new TeacherAnswer(text ?? "", finish is null ? null : new Microsoft.Extensions.AI.ChatFinishReason(finish));
        if (asked && teacher.IsComplete)
            return (AnswerState.Answered, text);
        if (!string.IsNullOrWhiteSpace(seedOutput))
            return (AnswerState.Seed, seedOutput);
        // A seed's own empty output is kept as it came (an export round-trips it), and marked empty.
        if (!asked)
            return (seedOutput is null ? AnswerState.NotAsked : AnswerState.Empty, seedOutput);
        return (string.IsNullOrWhiteSpace(text) ? AnswerState.Empty : AnswerState.Truncated, null);
    }

    /// <summary>
    /// One preference pair per instruction and iteration judged hard: the teacher's complete
    /// answer against that iteration's student answer, with the referee's scores and gap.
    /// </summary>
    public IReadOnlyList<PreferencePair> ReadPreferencePairs(PoolSelection selection) => store.Read(transaction =>
    {
        string filter = selection == PoolSelection.All ? "" : """
            AND i.id IN (SELECT instruction_id FROM pool_members
                         WHERE pool = $pool AND iteration = (SELECT MAX(iteration) FROM pool_members WHERE pool = $pool))
            """;
        using var query = store.Command(transaction, $"""
            SELECT i.id, v.iteration, i.instruction, i.input, t.text, s.text, v.teacher_score, v.student_score, v.gap
            FROM verdicts v
            JOIN instructions i ON i.id = v.instruction_id
            JOIN teacher_answers t ON t.instruction_id = v.instruction_id AND COALESCE(t.finish_reason, 'stop') = 'stop' AND length(trim(t.text)) > 0
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
