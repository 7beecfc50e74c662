using Lion.Core;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Store;

public sealed class RunStoreTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void A_new_store_is_one_sqlite_file_in_wal_mode_with_every_table()
    {
        using (_fixture.CreateRun()) { }

        using var connection = OpenRaw();
        Assert.Equal("wal", Scalar<string>(connection, "PRAGMA journal_mode"));
        var tables = Rows(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        Assert.Equal(
            ["batch_lines", "batches", "benchmark_results", "context_clamps", "evaluations", "generation_attempts", "imitation_sets", "imports", "instructions", "judgements", "plans", "pool_members", "referee_reviews", "remote_failures", "request_cache",
             "run", "stage_progress", "student_answers", "teacher_answers", "usage", "verdicts"],
            tables);
        Assert.Equal(StoreSchema.LatestVersion, Scalar<long>(connection, "PRAGMA user_version"));
    }

    [Fact]
    public void Opening_again_keeps_the_data_and_applies_no_migration_twice()
    {
        using (_fixture.CreateRun(new InstructionRecord("Kept."))) { }

        using var store = RunStore.Open(_fixture.RunFolder);

        Assert.Equal("Kept.", store.Datasets.ReadDataset(PoolSelection.All).Single().Instruction.Instruction);
    }

    [Fact]
    public void An_older_lion_store_is_upgraded_on_open()
    {
        Directory.CreateDirectory(_fixture.RunFolder);
        using (var connection = OpenRaw(SqliteOpenMode.ReadWriteCreate))
            Execute(connection, $"PRAGMA application_id = {StoreSchema.ApplicationId}");

        using (RunStore.Open(_fixture.RunFolder)) { }

        using var upgraded = OpenRaw();
        Assert.Equal(StoreSchema.LatestVersion, Scalar<long>(upgraded, "PRAGMA user_version"));
    }

    [Fact]
    public void A_stopped_stage_and_a_refused_review_stored_as_text_by_an_older_lion_read_back_typed()
    {
        Directory.CreateDirectory(_fixture.RunFolder);
        using (var connection = OpenRaw(SqliteOpenMode.ReadWriteCreate))
        {
            Execute(connection, $"PRAGMA application_id = {StoreSchema.ApplicationId}");
            foreach (string migration in StoreSchema.Migrations[..^1])
                Execute(connection, migration);
            Execute(connection, $"PRAGMA user_version = {StoreSchema.LatestVersion - 1}");
            Execute(connection, """
                INSERT INTO instructions (id, instruction, content_key, origin, iteration_added, created_at) VALUES (1, 'Seed.', 'k1', 'seed', 0, 'now');
                INSERT INTO stage_progress (iteration, stage, status, started_at, detail) VALUES (1, 'discrimination', 'running', 'now', 'stopped: 3 owed');
                INSERT INTO referee_reviews (instruction_id, iteration, teacher_first, attempt, raw, parse_error, created_at)
                VALUES (1, 1, 1, 1, '', 'unanswerable: the prompt is too long', 'now'), (1, 1, 0, 1, 'no scores', 'no score lines', 'now');
                """);
        }

        using var store = RunStore.Open(_fixture.RunFolder);

        Assert.Equal(new StageProgress(StageStatus.Stopped, "3 owed"), store.Loop.Stage(1, LoopStage.Discrimination));
        var reviews = store.Loop.Reviews(1);
        Assert.Equal(ItemOutcome.Unanswerable, reviews.Single(r => r.TeacherFirst).RefusedAs);
        Assert.Null(reviews.Single(r => !r.TeacherFirst).RefusedAs);
    }

    [Fact]
    public void A_store_from_a_newer_lion_is_refused_and_left_as_it_is()
    {
        using (_fixture.CreateRun()) { }
        using (var connection = OpenRaw())
            Execute(connection, "PRAGMA user_version = 999");
        byte[] before = File.ReadAllBytes(RunStore.DatabasePath(_fixture.RunFolder));

        var error = Assert.Throws<BadInputException>(() => RunStore.Open(_fixture.RunFolder));

        Assert.Contains("newer lion (schema version 999", error.Message);
        Assert.Equal(before, File.ReadAllBytes(RunStore.DatabasePath(_fixture.RunFolder)));
    }

    [Fact]
    public void A_folder_without_a_store_is_not_a_run()
    {
        Directory.CreateDirectory(_fixture.RunFolder);

        var error = Assert.Throws<BadInputException>(() => RunStore.Open(_fixture.RunFolder));

        Assert.StartsWith($"{_fixture.RunFolder}: not a lion run folder", error.Message);
    }

    [Fact]
    public void A_missing_folder_is_not_a_run()
    {
        var error = Assert.Throws<BadInputException>(() => RunStore.Open(_fixture.RunFolder));

        Assert.StartsWith($"{_fixture.RunFolder}: no such run folder", error.Message);
    }

    [Fact]
    public void Another_programs_sqlite_file_is_not_a_run_store()
    {
        Directory.CreateDirectory(_fixture.RunFolder);
        using (var connection = OpenRaw(SqliteOpenMode.ReadWriteCreate))
            Execute(connection, "CREATE TABLE notes (text TEXT)");

        var error = Assert.Throws<BadInputException>(() => RunStore.Open(_fixture.RunFolder));

        Assert.EndsWith("is a SQLite database but not a lion run store", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_refused()
    {
        Directory.CreateDirectory(_fixture.RunFolder);
        File.WriteAllText(RunStore.DatabasePath(_fixture.RunFolder), "these are not the bytes of a database, not even close");

        var error = Assert.Throws<BadInputException>(() => RunStore.Open(_fixture.RunFolder));

        Assert.Contains("is not a usable SQLite database", error.Message);
    }

    [Fact]
    public void Exact_duplicates_are_merged_and_counted()
    {
        using var store = _fixture.CreateRun(new("A."), new("B."));

        var summary = store.Seeds.ImportSeeds(_fixture.Seeds(new("A."), new("A."), new("A.", "", "answer"), new("C.")));

        Assert.Equal((4, 2, 2), (summary.Records, summary.Added, summary.Duplicates));
        Assert.Equal(["A.", "B.", "A.", "C."], store.Datasets.ReadDataset(PoolSelection.All).Select(r => r.Instruction.Instruction));
        using var connection = OpenRaw();
        Assert.Equal(3L, Scalar<long>(connection, "SELECT occurrences FROM instructions WHERE instruction = 'A.' AND output IS NULL"));
    }

    [Fact]
    public void Seeds_start_in_both_the_train_pool_and_the_cache_pool()
    {
        using var store = _fixture.CreateRun(new("A."), new("B."));

        Assert.Equal(2, store.Datasets.ReadDataset(PoolSelection.Train).Count);
        Assert.Equal(2, store.Datasets.ReadDataset(PoolSelection.Cache).Count);
        Assert.Equal([new(Pool.Train, 1, 2), new RunOverview.PoolSize(Pool.Cache, 1, 2)],
            store.Summary.Overview().Pools.OrderBy(p => p.Pool));
    }

    [Fact]
    public void An_import_that_fails_part_way_stores_nothing()
    {
        using var store = _fixture.CreateRun(new InstructionRecord("Existing."));

        // The reader refuses empty instructions; the store's own check is the last line of defence.
        var failing = _fixture.Seeds(new("New and fine."), new("   "));
        Assert.Throws<SqliteException>(() => store.Seeds.ImportSeeds(failing));

        Assert.Equal(["Existing."], store.Datasets.ReadDataset(PoolSelection.All).Select(r => r.Instruction.Instruction));
        Assert.Single(store.Summary.Overview().Imports);
    }

    [Fact]
    public void Export_prefers_the_teachers_complete_answer_and_ignores_a_truncated_one()
    {
        using var store = _fixture.CreateRun(new("Complete.", "", "seed answer"), new("Truncated.", "", "seed answer"));
        store.InTransaction(transaction =>
        {
            using var insert = store.Command(transaction, """
                INSERT INTO teacher_answers (instruction_id, model, text, finish_reason, created_at) VALUES
                  (1, 'teacher', 'teacher answer', 'stop', 'now'),
                  (2, 'teacher', 'cut off mid-sen', 'length', 'now')
                """);
            insert.ExecuteNonQuery();
        });

        var outputs = store.Datasets.ReadDataset(PoolSelection.All).Select(r => r.Instruction.Output);

        Assert.Equal(["teacher answer", "seed answer"], outputs);
    }

    [Fact]
    public void A_review_cannot_hold_both_scores_and_a_parse_error()
    {
        using var store = _fixture.CreateRun();

        var error = Assert.Throws<SqliteException>(() => store.InTransaction(transaction =>
        {
            using var insert = store.Command(transaction, """
                INSERT INTO referee_reviews (instruction_id, iteration, teacher_first, raw, teacher_score, student_score, parse_error, created_at)
                VALUES (1, 1, 1, 'Assistant 1: 8', 8, 7, 'no score line for assistant 2', 'now')
                """);
            insert.ExecuteNonQuery();
        }));

        Assert.Contains("CHECK constraint failed", error.Message);
    }

    [Fact]
    public void A_full_disk_is_one_sentence_naming_the_store_a_failure_from_outside_and_what_was_stored_stays()
    {
        using var store = _fixture.CreateRun(new InstructionRecord("Kept."));
        // SQLite's page limit gives the same error as a full disk, without filling one.
        long pages = PageCount(store);
        store.InTransaction(transaction =>
        {
            using var limit = store.Command(transaction, $"PRAGMA max_page_count = {pages}");
            limit.ExecuteNonQuery();
        });

        var full = Assert.Throws<StorageException>(() => store.Loop.SaveTeacherAnswer(1, "teacher", new string('x', 1_000_000), ChatFinishReason.Stop));

        Assert.True(full.IsOutside);
        Assert.StartsWith($"{RunStore.DatabasePath(_fixture.RunFolder)}: the disk is full.", full.Message);
        Assert.Empty(store.Loop.TeacherAnswers());
        Assert.Equal("Kept.", store.Datasets.ReadDataset(PoolSelection.All).Single().Instruction.Instruction);
    }

    [Fact]
    public void A_store_damaged_in_the_middle_is_named_as_damaged_not_a_stack_trace()
    {
        // Enough instructions that the middle of the file is theirs, not the schema's.
        using (var store = _fixture.CreateRun(Enumerable.Range(0, 4000).Select(i => new InstructionRecord($"Instruction number {i} of many.")).ToArray()))
        {
        }
        string path = RunStore.DatabasePath(_fixture.RunFolder);
        using (var file = File.OpenWrite(path))
        {
            file.Position = file.Length / 2;
            file.Write(Enumerable.Repeat((byte)0xff, 16384).ToArray());
        }

        var damaged = Assert.Throws<StorageException>(() =>
        {
            using var store = RunStore.Open(_fixture.RunFolder);
            store.Datasets.ReadDataset(PoolSelection.All);
        });

        Assert.False(damaged.IsOutside);
        Assert.StartsWith($"{path}: the run store is damaged", damaged.Message);
    }

    private static long PageCount(RunStore store) => store.Read(transaction =>
    {
        using var count = store.Command(transaction, "PRAGMA page_count");
        return (long)count.ExecuteScalar()!;
    });

    private SqliteConnection OpenRaw(SqliteOpenMode mode = SqliteOpenMode.ReadWrite)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = RunStore.DatabasePath(_fixture.RunFolder),
            Mode = mode,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(reader.GetString(0));
        return rows;
    }
}
