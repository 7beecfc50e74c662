using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Lion.Core.Students;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Lion.Core.Store;

/// <summary>What the loop's stages read and write: pools, answers, reviews, verdicts, generation attempts, progress.</summary>
/// <summary>The loop's records: pools, stage progress, teacher and student answers, referee reviews, verdicts and generation attempts.</summary>
public sealed class LoopStore(RunStore store)
{
    public IReadOnlyList<PoolItem> PoolMembers(Pool pool, int iteration) => store.Read(transaction => store.Rows(transaction, """
        SELECT i.id, i.instruction, i.input, i.origin FROM pool_members p JOIN instructions i ON i.id = p.instruction_id
        WHERE p.pool = $pool AND p.iteration = $iteration ORDER BY i.id
        """, r => new PoolItem(r.GetInt64(0), r.GetString(1), r.GetString(2), Vocabulary<InstructionOrigin>.Parse(r.GetString(3))),
        ("$pool", Vocabulary<Pool>.Word(pool)), ("$iteration", iteration)));

    public int LatestIteration() => store.Read(transaction =>
        store.Single(transaction, "SELECT COALESCE(MAX(iteration), 0) FROM pool_members", r => r.GetInt32(0)));

    /// <summary>
    /// The paper's pool update after generation in <paramref name="iteration"/>: the instructions
    /// it made become the next train pool and join the cache pool.
    /// </summary>
    public void AdvancePools(int iteration) => store.InTransaction(transaction =>
    {
        store.Execute(transaction, """
            INSERT OR IGNORE INTO pool_members (pool, iteration, instruction_id)
            SELECT $train, $next, instruction_id FROM generation_attempts WHERE iteration = $iteration AND kept = 1;
            INSERT OR IGNORE INTO pool_members (pool, iteration, instruction_id)
            SELECT $cache, $next, instruction_id FROM pool_members WHERE pool = $cache AND iteration = $iteration;
            INSERT OR IGNORE INTO pool_members (pool, iteration, instruction_id)
            SELECT $cache, $next, instruction_id FROM generation_attempts WHERE iteration = $iteration AND kept = 1;
            """, ("$train", Vocabulary<Pool>.Word(Pool.Train)), ("$cache", Vocabulary<Pool>.Word(Pool.Cache)),
            ("$iteration", iteration), ("$next", iteration + 1));
    });

    /// <summary>Where a stage of an iteration stands, and for a stopped one what it owes.</summary>
    public StageProgress Stage(int iteration, LoopStage stage) => store.Read(transaction =>
        store.Rows(transaction, "SELECT status, owed FROM stage_progress WHERE iteration = $iteration AND stage = $stage",
            r => Progress(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)),
            ("$iteration", iteration), ("$stage", Vocabulary<LoopStage>.Word(stage)))
        .SingleOrDefault(new StageProgress(StageStatus.NotStarted, null)));

    /// <summary>A stage begins (again, after a stop or a crash: what it owed is asked for now).</summary>
    public void StageStarted(int iteration, LoopStage stage) => store.InTransaction(transaction => store.Execute(transaction, """
        INSERT INTO stage_progress (iteration, stage, status, started_at) VALUES ($iteration, $stage, 'running', $now)
        ON CONFLICT (iteration, stage) DO UPDATE SET owed = NULL WHERE status = 'running'
        """, ("$iteration", iteration), ("$stage", Vocabulary<LoopStage>.Word(stage)), ("$now", RunStore.Now())));

    /// <summary>
    /// A stage that stopped with items still owed: it stays unfinished, as a crashed one does, so a
    /// rerun picks it up; <paramref name="owed"/> says what it owes.
    /// </summary>
    public void StageStopped(int iteration, LoopStage stage, string owed) => store.InTransaction(transaction => store.Execute(transaction,
        "UPDATE stage_progress SET owed = $owed WHERE iteration = $iteration AND stage = $stage AND status = 'running'",
        ("$owed", owed), ("$iteration", iteration), ("$stage", Vocabulary<LoopStage>.Word(stage))));

    public void StageDone(int iteration, LoopStage stage, string? detail = null) => store.InTransaction(transaction => store.Execute(transaction,
        "UPDATE stage_progress SET status = 'done', finished_at = $now, detail = $detail, owed = NULL WHERE iteration = $iteration AND stage = $stage",
        ("$now", RunStore.Now()), ("$detail", detail), ("$iteration", iteration), ("$stage", Vocabulary<LoopStage>.Word(stage))));

    /// <summary>The checkpoint an iteration's finished imitation made; null while it is not done.</summary>
    public string? Checkpoint(int iteration) => store.Read(transaction =>
        store.Rows(transaction, "SELECT detail FROM stage_progress WHERE iteration = $iteration AND stage = $stage AND status = 'done'",
            r => r.IsDBNull(0) ? null : r.GetString(0), ("$iteration", iteration), ("$stage", Vocabulary<LoopStage>.Word(LoopStage.Imitation)))
        .SingleOrDefault());

    internal static StageProgress Progress(string status, string? owed) =>
        status == "done" ? new StageProgress(StageStatus.Done, null)
        : owed is not null ? new StageProgress(StageStatus.Stopped, owed)
        : new StageProgress(StageStatus.Running, null);

    public void SaveImitationSet(int iteration, ImitationSet set) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT OR REPLACE INTO imitation_sets (iteration, instructions, trained, truncated, unanswerable, created_at)
            VALUES ($iteration, $instructions, $trained, $truncated, $unanswerable, $now)
            """);
        insert.Parameters.AddWithValue("$iteration", iteration);
        insert.Parameters.AddWithValue("$instructions", set.Instructions);
        insert.Parameters.AddWithValue("$trained", set.Trained);
        insert.Parameters.AddWithValue("$truncated", set.Truncated);
        insert.Parameters.AddWithValue("$unanswerable", set.Unanswerable);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    /// <summary>Teacher answers by instruction: text and finish reason.</summary>
    public Dictionary<long, TeacherAnswer> TeacherAnswers() => store.Read(transaction =>
        store.Rows(transaction, "SELECT instruction_id, text, finish_reason, request_key FROM teacher_answers",
            r => (Id: r.GetInt64(0), Answer: new TeacherAnswer(r.GetString(1), FinishReasonOf(r, 2), r.IsDBNull(3) ? null : r.GetString(3))))
            .ToDictionary(a => a.Id, a => a.Answer));

    /// <param name="requestKey">For a refusal, the fingerprint of the parameters it was refused under.</param>
    public void SaveTeacherAnswer(long instructionId, string model, string text, ChatFinishReason? finishReason, string? requestKey = null) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT OR REPLACE INTO teacher_answers (instruction_id, model, text, finish_reason, request_key, created_at)
            VALUES ($id, $model, $text, $finish, $key, $now)
            """);
        insert.Parameters.AddWithValue("$key", (object?)requestKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("$id", instructionId);
        insert.Parameters.AddWithValue("$model", model);
        insert.Parameters.AddWithValue("$text", text);
        insert.Parameters.AddWithValue("$finish", (object?)finishReason?.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    /// <summary>The student's answers of an iteration that can be judged: every one but those its endpoint refused.</summary>
    public Dictionary<long, string> StudentAnswers(int iteration) => store.Read(transaction =>
        store.Rows(transaction, "SELECT instruction_id, text FROM student_answers WHERE iteration = $iteration AND COALESCE(finish_reason, '') NOT IN ($refused, $filtered)",
            r => (Id: r.GetInt64(0), Text: r.GetString(1)), ("$iteration", iteration), ("$refused", ItemOutcome.Unanswerable.Value),
            ("$filtered", ItemOutcome.ContentFilter.Value))
            .ToDictionary(a => a.Id, a => a.Text));

    /// <summary>The instructions the student has a result for in an iteration, refused ones included: never asked again.</summary>
    public HashSet<long> StudentAnswered(int iteration) => store.Read(transaction =>
        store.Rows(transaction, "SELECT instruction_id FROM student_answers WHERE iteration = $iteration", r => r.GetInt64(0), ("$iteration", iteration))
            .ToHashSet());

    /// <summary>A batch of student answers, in one transaction.</summary>
    public void SaveStudentAnswers(int iteration, string checkpoint, IEnumerable<(long InstructionId, StudentReply Reply)> answers) =>
        store.InTransaction(transaction =>
        {
            using var insert = store.Command(transaction, """
                INSERT OR REPLACE INTO student_answers (instruction_id, iteration, checkpoint, text, finish_reason, created_at)
                VALUES ($id, $iteration, $checkpoint, $text, $finish, $now)
                """);
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            var finish = insert.Parameters.Add("$finish", SqliteType.Text);
            insert.Parameters.AddWithValue("$iteration", iteration);
            insert.Parameters.AddWithValue("$checkpoint", checkpoint);
            insert.Parameters.AddWithValue("$now", RunStore.Now());
            foreach (var (instructionId, reply) in answers)
            {
                id.Value = instructionId;
                text.Value = reply.Text;
                finish.Value = reply.FinishReason.Value;
                insert.ExecuteNonQuery();
            }
        });

    public List<Review> Reviews(int iteration) => store.Read(transaction => store.Rows(transaction, """
        SELECT instruction_id, teacher_first, attempt, raw, teacher_score, student_score, parse_error, request_key, refused
        FROM referee_reviews WHERE iteration = $iteration ORDER BY id
        """, r => new Review(r.GetInt64(0), r.GetInt32(1) == 1, r.GetInt32(2), r.GetString(3),
            r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetString(6))
        {
            RequestKey = r.IsDBNull(7) ? null : r.GetString(7),
            RefusedAs = FinishReasonOf(r, 8),
        },
        ("$iteration", iteration)));

    public void SaveReview(int iteration, Review review) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT INTO referee_reviews (instruction_id, iteration, teacher_first, attempt, raw, teacher_score, student_score, parse_error, request_key, refused, created_at)
            VALUES ($id, $iteration, $first, $attempt, $raw, $teacher, $student, $error, $key, $refused, $now)
            """);
        insert.Parameters.AddWithValue("$refused", (object?)review.RefusedAs?.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("$key", (object?)review.RequestKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("$id", review.InstructionId);
        insert.Parameters.AddWithValue("$iteration", iteration);
        insert.Parameters.AddWithValue("$first", review.TeacherFirst ? 1 : 0);
        insert.Parameters.AddWithValue("$attempt", review.Attempt);
        insert.Parameters.AddWithValue("$raw", review.Raw);
        insert.Parameters.AddWithValue("$teacher", (object?)review.TeacherScore ?? DBNull.Value);
        insert.Parameters.AddWithValue("$student", (object?)review.StudentScore ?? DBNull.Value);
        insert.Parameters.AddWithValue("$error", (object?)review.ParseError ?? DBNull.Value);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    public List<Verdict> Verdicts(int iteration) => store.Read(transaction => store.Rows(transaction, """
        SELECT instruction_id, teacher_score, student_score, gap, label, order_flipped FROM verdicts
        WHERE iteration = $iteration ORDER BY instruction_id
        """, r => new Verdict(r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), Vocabulary<VerdictLabel>.Parse(r.GetString(4)),
            r.GetInt32(5) == 1),
        ("$iteration", iteration)));

    public void SaveVerdict(int iteration, Verdict verdict) => store.InTransaction(transaction =>
    {
        using var insert = store.Command(transaction, """
            INSERT OR REPLACE INTO verdicts (instruction_id, iteration, teacher_score, student_score, gap, label, order_flipped, created_at)
            VALUES ($id, $iteration, $teacher, $student, $gap, $label, $flipped, $now)
            """);
        insert.Parameters.AddWithValue("$id", verdict.InstructionId);
        insert.Parameters.AddWithValue("$iteration", iteration);
        insert.Parameters.AddWithValue("$teacher", verdict.TeacherScore);
        insert.Parameters.AddWithValue("$student", verdict.StudentScore);
        insert.Parameters.AddWithValue("$gap", verdict.Gap);
        insert.Parameters.AddWithValue("$label", Vocabulary<VerdictLabel>.Word(verdict.Label));
        insert.Parameters.AddWithValue("$flipped", verdict.OrderFlipped ? 1 : 0);
        insert.Parameters.AddWithValue("$now", RunStore.Now());
        insert.ExecuteNonQuery();
    });

    public List<GenerationAttempt> Attempts(int iteration) => store.Read(transaction => store.Rows(transaction, """
        SELECT slot, seed_instruction_id, kind, raw, candidate, finish_reason, kept, reject_reason, instruction_id, max_similarity, unwrapped
        FROM generation_attempts WHERE iteration = $iteration ORDER BY slot
        """, r => new GenerationAttempt(r.GetInt32(0), r.GetInt64(1), Vocabulary<GenerationKind>.Parse(r.GetString(2)), r.GetString(3),
            r.IsDBNull(4) ? null : r.GetString(4), FinishReasonOf(r, 5), r.GetInt32(6) == 1,
            r.IsDBNull(7) ? null : Vocabulary<RejectReason>.Parse(r.GetString(7)), r.IsDBNull(8) ? null : r.GetInt64(8), r.IsDBNull(9) ? null : r.GetDouble(9),
            r.GetInt32(10) == 1),
        ("$iteration", iteration)));

    private static ChatFinishReason? FinishReasonOf(SqliteDataReader row, int column) =>
        row.IsDBNull(column) ? null : new ChatFinishReason(row.GetString(column));

    /// <summary>
    /// Records one generation attempt; a kept candidate becomes an instruction (origin hard or
    /// easy, its seed as parent, entering with the next iteration) in the same transaction.
    /// Returns the attempt with the new instruction's id.
    /// </summary>
    public GenerationAttempt SaveAttempt(int iteration, GenerationAttempt attempt) => store.InTransaction(transaction =>
    {
        long? instructionId = null;
        if (attempt.Kept)
        {
            var record = new InstructionRecord(attempt.Candidate!);
            using var insert = store.Command(transaction, """
                INSERT INTO instructions (instruction, input, output, content_key, origin, parent_id, iteration_added, created_at)
                VALUES ($instruction, '', NULL, $key, $origin, $parent, $iteration, $now)
                ON CONFLICT (content_key) DO UPDATE SET occurrences = occurrences + 1
                RETURNING id
                """);
            insert.Parameters.AddWithValue("$instruction", record.Instruction);
            insert.Parameters.AddWithValue("$key", ContentKey.Of(record));
            insert.Parameters.AddWithValue("$origin", Vocabulary<InstructionOrigin>.Word(attempt.Kind == GenerationKind.Hard ? InstructionOrigin.Hard : InstructionOrigin.Easy));
            insert.Parameters.AddWithValue("$parent", attempt.SeedInstructionId);
            insert.Parameters.AddWithValue("$iteration", iteration + 1);
            insert.Parameters.AddWithValue("$now", RunStore.Now());
            instructionId = (long)insert.ExecuteScalar()!;
        }
        using var log = store.Command(transaction, """
            INSERT INTO generation_attempts (iteration, slot, seed_instruction_id, kind, raw, candidate, finish_reason, kept,
                                             reject_reason, instruction_id, max_similarity, unwrapped, created_at)
            VALUES ($iteration, $slot, $seed, $kind, $raw, $candidate, $finish, $kept, $reason, $instruction, $similarity, $unwrapped, $now)
            """);
        log.Parameters.AddWithValue("$iteration", iteration);
        log.Parameters.AddWithValue("$slot", attempt.Slot);
        log.Parameters.AddWithValue("$seed", attempt.SeedInstructionId);
        log.Parameters.AddWithValue("$kind", Vocabulary<GenerationKind>.Word(attempt.Kind));
        log.Parameters.AddWithValue("$raw", attempt.Raw);
        log.Parameters.AddWithValue("$candidate", (object?)attempt.Candidate ?? DBNull.Value);
        log.Parameters.AddWithValue("$finish", (object?)attempt.FinishReason?.Value ?? DBNull.Value);
        log.Parameters.AddWithValue("$kept", attempt.Kept ? 1 : 0);
        log.Parameters.AddWithValue("$reason", attempt.RejectReason is { } reason ? Vocabulary<RejectReason>.Word(reason) : DBNull.Value);
        log.Parameters.AddWithValue("$instruction", (object?)instructionId ?? DBNull.Value);
        log.Parameters.AddWithValue("$similarity", (object?)attempt.MaxSimilarity ?? DBNull.Value);
        log.Parameters.AddWithValue("$unwrapped", attempt.Unwrapped ? 1 : 0);
        log.Parameters.AddWithValue("$now", RunStore.Now());
        log.ExecuteNonQuery();
        return attempt with { InstructionId = instructionId };
    });
}
