using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
namespace Lion.Core.Store;

/// <summary>In the run store: the run as `lion status`, the report and `lion compare` see it: overview, refusals, usage by role, and the digest of its decisions.</summary>
public sealed class RunSummary(RunStore store)
{
    public RunOverview Overview() => store.Read(transaction =>
    {
        var (createdAt, version, configSource) = store.Single(transaction,
            "SELECT created_at, lion_version, config_source FROM run WHERE id = 1",
            r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));

        var imports = store.Rows(transaction, "SELECT source, format, records, added, duplicates FROM imports ORDER BY id",
            r => new ImportSummary(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)));

        var origins = store.Rows(transaction, "SELECT origin, COUNT(*) FROM instructions GROUP BY origin ORDER BY origin",
            r => (Origin: Vocabulary<InstructionOrigin>.Parse(r.GetString(0)), Count: r.GetInt32(1)));

        var pools = store.Rows(transaction,
            "SELECT pool, iteration, COUNT(*) FROM pool_members GROUP BY pool, iteration ORDER BY iteration, pool",
            r => new RunOverview.PoolSize(Vocabulary<Pool>.Parse(r.GetString(0)), r.GetInt32(1), r.GetInt32(2)));

        var stages = store.Rows(transaction, "SELECT iteration, stage, status, owed FROM stage_progress ORDER BY iteration, started_at",
            r =>
            {
                var progress = LoopStore.Progress(r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3));
                return new RunOverview.StageState(r.GetInt32(0), Vocabulary<LoopStage>.Parse(r.GetString(1)), progress.Status, progress.Owed);
            });

        var usage = store.Single(transaction, """
            SELECT COALESCE(SUM(cached = 0), 0), COALESCE(SUM(cached = 1), 0),
                   COALESCE(SUM(CASE WHEN cached = 0 THEN input_tokens END), 0),
                   COALESCE(SUM(CASE WHEN cached = 0 THEN output_tokens END), 0), COALESCE(SUM(cost), 0.0),
                   COALESCE(SUM(cached = 0 AND batch = 1), 0)
            FROM usage
            """,
            r => new RunOverview.UsageTotals(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4), r.GetInt64(5)));

        var pending = store.Rows(transaction, "SELECT role, batch_id, lines, status, created_at FROM batches WHERE finished_at IS NULL ORDER BY id",
            r => new RunOverview.PendingBatch(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt32(2),
                Vocabulary<Lion.Core.Gateway.BatchStatus>.Parse(r.GetString(3)), r.GetString(4)));
        var batchesDone = store.Single(transaction,
            "SELECT COUNT(*), COALESCE(SUM(answered), 0), COALESCE(SUM(failed), 0) FROM batches WHERE finished_at IS NOT NULL",
            r => new RunOverview.FinishedBatches(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)));

        var failures = store.Rows(transaction, "SELECT kind, COUNT(*) FROM remote_failures GROUP BY kind ORDER BY kind",
            r => (Kind: r.GetString(0), Count: r.GetInt32(1)));

        var unanswerable = store.Rows(transaction, """
            SELECT 'teacher', COUNT(*) FROM teacher_answers WHERE finish_reason = 'unanswerable'
            UNION ALL SELECT 'referee', COUNT(*) FROM referee_reviews WHERE refused = 'unanswerable'
            UNION ALL SELECT 'generator', COUNT(*) FROM generation_attempts WHERE reject_reason = 'unanswerable'
            UNION ALL SELECT 'student', COUNT(*) FROM student_answers WHERE finish_reason = 'unanswerable'
            """, r => (Role: r.GetString(0), Count: r.GetInt32(1)));

        var filtered = store.Rows(transaction, """
            SELECT 'teacher', COUNT(*) FROM teacher_answers WHERE finish_reason = 'content_filter'
            UNION ALL SELECT 'referee', COUNT(*) FROM referee_reviews WHERE refused = 'content_filter'
            UNION ALL SELECT 'generator', COUNT(*) FROM generation_attempts WHERE reject_reason = 'content_filter'
            UNION ALL SELECT 'student', COUNT(*) FROM student_answers WHERE finish_reason = 'content_filter'
            """, r => (Role: r.GetString(0), Count: r.GetInt32(1)));

        var clamped = store.Rows(transaction, "SELECT role, COUNT(*), MIN(given) FROM context_clamps GROUP BY role ORDER BY role",
            r => (Role: r.GetString(0), Count: r.GetInt32(1), Fewest: r.GetInt32(2)));

        return new RunOverview(store.Folder, createdAt, version, configSource, imports,
            origins.ToDictionary(o => o.Origin, o => o.Count), pools, stages, usage,
            failures.ToDictionary(f => f.Kind, f => f.Count), Results(transaction),
            unanswerable.Where(u => u.Count > 0).ToDictionary(u => u.Role, u => u.Count), pending, batchesDone)
        {
            ContentFilteredByRole = filtered.Where(f => f.Count > 0).ToDictionary(f => f.Role, f => f.Count),
            ClampedByRole = clamped.ToDictionary(c => c.Role, c => new RunOverview.ContextClamps(c.Count, c.Fewest)),
        };
    });

    /// <summary>
    /// Every request the endpoint refused for the item's sake, by role: the instruction (for the
    /// generator, its seed), the iteration (none for the teacher, whose answers serve every
    /// iteration), what became of it and the provider's words.
    /// </summary>
    public List<Refusal> Refusals() => store.Read(transaction => store.Rows(transaction, """
        SELECT 'teacher', NULL, t.instruction_id, i.instruction, t.finish_reason, t.text
        FROM teacher_answers t JOIN instructions i ON i.id = t.instruction_id WHERE t.finish_reason IN ('unanswerable', 'content_filter')
        UNION ALL
        SELECT 'referee', r.iteration, r.instruction_id, i.instruction, r.refused,
               trim(substr(r.parse_error, instr(r.parse_error, ':') + 1))
        FROM referee_reviews r JOIN instructions i ON i.id = r.instruction_id
        WHERE r.refused IS NOT NULL
        UNION ALL
        SELECT 'generator', a.iteration, a.seed_instruction_id, i.instruction, a.reject_reason, a.raw
        FROM generation_attempts a JOIN instructions i ON i.id = a.seed_instruction_id WHERE a.reject_reason IN ('unanswerable', 'content_filter')
        UNION ALL
        SELECT 'student', s.iteration, s.instruction_id, i.instruction, s.finish_reason, s.text
        FROM student_answers s JOIN instructions i ON i.id = s.instruction_id WHERE s.finish_reason IN ('unanswerable', 'content_filter')
        ORDER BY 1, 2, 3
        """, r => new Refusal(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5))));

    /// <summary>Answered requests by role: paid ones and cache hits.</summary>
    public List<(string Role, long Paid, long Cached)> UsageByRole() => store.Read(transaction => store.Rows(transaction,
        "SELECT role, SUM(cached = 0), SUM(cached = 1) FROM usage GROUP BY role ORDER BY role",
        r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2))));

    private List<RunOverview.IterationResult> Results(SqliteTransaction transaction)
    {
        var verdicts = store.Rows(transaction, """
            SELECT iteration, SUM(label = 'hard'), SUM(label = 'easy'), AVG(gap), AVG(order_flipped) FROM verdicts GROUP BY iteration
            """, r => (Iteration: r.GetInt32(0), Hard: r.GetInt32(1), Easy: r.GetInt32(2), Gap: r.GetDouble(3), Flip: r.GetDouble(4)))
            .ToDictionary(v => v.Iteration);
        var unparsed = store.Rows(transaction, "SELECT iteration, COUNT(*) FROM referee_reviews WHERE parse_error IS NOT NULL GROUP BY iteration",
            r => (Iteration: r.GetInt32(0), Count: r.GetInt32(1))).ToDictionary(u => u.Iteration, u => u.Count);
        var attempts = store.Rows(transaction, "SELECT iteration, COALESCE(reject_reason, ''), COUNT(*) FROM generation_attempts GROUP BY 1, 2",
            r => (Iteration: r.GetInt32(0), Reason: r.GetString(1), Count: r.GetInt32(2))).ToLookup(a => a.Iteration);
        var scores = store.Rows(transaction, "SELECT iteration, test_set, AVG(CAST(correct AS REAL) / items) FROM evaluations WHERE items > 0 GROUP BY 1, 2",
            r => (Iteration: r.GetInt32(0), Set: Vocabulary<TestSet>.Parse(r.GetString(1)), Accuracy: r.GetDouble(2))).ToList();
        var heldOut = scores.Where(e => e.Set == TestSet.HeldOut).ToDictionary(e => e.Iteration, e => e.Accuracy);
        var benchmarkSized = scores.Where(e => e.Set == TestSet.BenchmarkSized).ToDictionary(e => e.Iteration, e => e.Accuracy);
        var imitation = store.Rows(transaction, "SELECT iteration, instructions, trained, truncated, unanswerable FROM imitation_sets",
            r => (Iteration: r.GetInt32(0), Set: new ImitationSet(r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4))))
            .ToDictionary(i => i.Iteration, i => i.Set);
        var unwrapped = store.Rows(transaction, "SELECT iteration, SUM(unwrapped) FROM generation_attempts GROUP BY iteration",
            r => (Iteration: r.GetInt32(0), Count: r.GetInt32(1))).ToDictionary(u => u.Iteration, u => u.Count);
        var failures = store.Rows(transaction, """
            SELECT iteration, role, COUNT(*),
                   (SELECT message FROM remote_failures m WHERE m.iteration = f.iteration AND m.role = f.role
                    GROUP BY message ORDER BY COUNT(*) DESC, message LIMIT 1)
            FROM remote_failures f WHERE iteration IS NOT NULL AND kind NOT IN ('BadRequest', 'ContextExceeded', 'ContentFiltered')
            GROUP BY iteration, role ORDER BY iteration, role
            """, r => (Iteration: r.GetInt32(0), Failure: new RunOverview.RoleFailures(r.GetString(1), r.GetInt32(2), r.GetString(3))))
            .ToLookup(f => f.Iteration, f => f.Failure);
        return verdicts.Keys.Union(attempts.Select(a => a.Key)).Union(heldOut.Keys).Union(benchmarkSized.Keys).Union(unparsed.Keys).Union(imitation.Keys)
            .Union(failures.Select(f => f.Key)).Order().Select(iteration =>
        {
            verdicts.TryGetValue(iteration, out var v);
            bool judged = verdicts.ContainsKey(iteration);
            return new RunOverview.IterationResult(iteration, v.Hard, v.Easy, judged ? v.Gap : null, judged ? v.Flip : null,
                unparsed.GetValueOrDefault(iteration),
                attempts[iteration].Where(a => a.Reason == "").Sum(a => a.Count),
                attempts[iteration].Where(a => a.Reason != "").ToDictionary(a => a.Reason, a => a.Count),
                heldOut.TryGetValue(iteration, out double accuracy) ? accuracy : null,
                benchmarkSized.TryGetValue(iteration, out double sized) ? sized : null,
                imitation.GetValueOrDefault(iteration), unwrapped.GetValueOrDefault(iteration), failures[iteration].ToList());
        }).ToList();
    }

    /// <summary>
    /// A digest of what the run decided: every pool by iteration (instruction texts), every
    /// verdict, every kept generation. Two runs with the same digest made the same data, however
    /// often either was interrupted.
    /// </summary>
    public string Fingerprint() => store.Read(transaction =>
    {
        var text = new StringBuilder();
        foreach (var line in store.Rows(transaction, """
            SELECT p.pool || ' ' || p.iteration || ' ' || i.instruction || ' ' || i.input FROM pool_members p
            JOIN instructions i ON i.id = p.instruction_id ORDER BY p.pool, p.iteration, i.instruction, i.input
            """, r => r.GetString(0)))
            text.Append(line).Append('\n');
        foreach (var line in store.Rows(transaction, """
            SELECT v.iteration || ' ' || v.label || ' ' || v.gap || ' ' || v.order_flipped || ' ' || i.instruction FROM verdicts v
            JOIN instructions i ON i.id = v.instruction_id ORDER BY v.iteration, i.instruction
            """, r => r.GetString(0)))
            text.Append(line).Append('\n');
        foreach (var line in store.Rows(transaction, """
            SELECT iteration || ' ' || slot || ' ' || kind || ' ' || COALESCE(reject_reason, 'kept') || ' ' || COALESCE(candidate, '')
            FROM generation_attempts ORDER BY iteration, slot
            """, r => r.GetString(0)))
            text.Append(line).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    });
}
