namespace Lion.Core.Store;

/// <summary>
/// The run store's schema as an ordered list of migrations. The store's PRAGMA user_version
/// counts the migrations applied; opening a store applies the rest, each in its own
/// transaction. Append new migrations; never edit one that has shipped.
/// </summary>
internal static class StoreSchema
{
    /// <summary>PRAGMA application_id of a lion store: "LION" in ASCII.</summary>
    public const int ApplicationId = 0x4C494F4E;

    public static int LatestVersion => Migrations.Length;

    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE run (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            created_at TEXT NOT NULL,
            lion_version TEXT NOT NULL,
            config_json TEXT NOT NULL DEFAULT '{}',
            config_source TEXT
        );

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            records INTEGER NOT NULL,
            added INTEGER NOT NULL,
            duplicates INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );

        -- Every instruction the run has seen: seeds and generated ones. Exact duplicates
        -- (same instruction, input and output) share one row and are counted in occurrences.
        CREATE TABLE instructions (
            id INTEGER PRIMARY KEY,
            instruction TEXT NOT NULL CHECK (length(trim(instruction)) > 0),
            input TEXT NOT NULL DEFAULT '',
            output TEXT,
            content_key TEXT NOT NULL UNIQUE,
            origin TEXT NOT NULL CHECK (origin IN ('seed', 'hard', 'easy')),
            parent_id INTEGER REFERENCES instructions(id),
            iteration_added INTEGER NOT NULL,
            import_id INTEGER REFERENCES imports(id),
            occurrences INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );

        -- Membership of the train pool (X_A) and cache pool (X_B) at the start of each iteration.
        CREATE TABLE pool_members (
            pool TEXT NOT NULL CHECK (pool IN ('train', 'cache')),
            iteration INTEGER NOT NULL,
            instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            PRIMARY KEY (pool, iteration, instruction_id)
        );

        CREATE TABLE teacher_answers (
            instruction_id INTEGER PRIMARY KEY REFERENCES instructions(id),
            model TEXT NOT NULL,
            text TEXT NOT NULL,
            finish_reason TEXT,
            request_key TEXT,
            created_at TEXT NOT NULL
        );

        CREATE TABLE student_answers (
            instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            iteration INTEGER NOT NULL,
            checkpoint TEXT NOT NULL,
            text TEXT NOT NULL,
            finish_reason TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (instruction_id, iteration)
        );

        -- Each referee call: the raw reply, which answer was shown first, and either both
        -- parsed scores or the parse error, never a mixture.
        CREATE TABLE referee_reviews (
            id INTEGER PRIMARY KEY,
            instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            iteration INTEGER NOT NULL,
            teacher_first INTEGER NOT NULL CHECK (teacher_first IN (0, 1)),
            attempt INTEGER NOT NULL DEFAULT 1,
            raw TEXT NOT NULL,
            teacher_score REAL,
            student_score REAL,
            parse_error TEXT,
            created_at TEXT NOT NULL,
            CHECK ((parse_error IS NULL AND teacher_score IS NOT NULL AND student_score IS NOT NULL)
                OR (parse_error IS NOT NULL AND teacher_score IS NULL AND student_score IS NULL)),
            UNIQUE (instruction_id, iteration, teacher_first, attempt)
        );

        CREATE TABLE verdicts (
            instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            iteration INTEGER NOT NULL,
            teacher_score REAL NOT NULL,
            student_score REAL NOT NULL,
            gap REAL NOT NULL,
            label TEXT NOT NULL CHECK (label IN ('hard', 'easy')),
            order_flipped INTEGER NOT NULL CHECK (order_flipped IN (0, 1)),
            created_at TEXT NOT NULL,
            PRIMARY KEY (instruction_id, iteration)
        );

        CREATE TABLE generation_attempts (
            id INTEGER PRIMARY KEY,
            iteration INTEGER NOT NULL,
            slot INTEGER NOT NULL,
            seed_instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            kind TEXT NOT NULL CHECK (kind IN ('hard', 'easy')),
            raw TEXT NOT NULL,
            candidate TEXT,
            finish_reason TEXT,
            kept INTEGER NOT NULL CHECK (kept IN (0, 1)),
            reject_reason TEXT,
            instruction_id INTEGER REFERENCES instructions(id),
            max_similarity REAL,
            most_similar_id INTEGER REFERENCES instructions(id),
            created_at TEXT NOT NULL,
            CHECK ((kept = 1 AND reject_reason IS NULL) OR (kept = 0 AND reject_reason IS NOT NULL))
        );
        CREATE INDEX generation_attempts_by_iteration ON generation_attempts (iteration, slot);

        CREATE TABLE stage_progress (
            iteration INTEGER NOT NULL,
            stage TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'done')),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            PRIMARY KEY (iteration, stage)
        );

        -- One row per request the gateway answered; cached = 1 when no upstream call was paid for.
        CREATE TABLE usage (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL,
            model TEXT NOT NULL,
            cached INTEGER NOT NULL CHECK (cached IN (0, 1)),
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cost REAL NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );

        CREATE TABLE request_cache (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            request_json TEXT NOT NULL,
            response_json TEXT NOT NULL,
            finish_reason TEXT,
            created_at TEXT NOT NULL
        );
        """,
        """
        -- Every failed remote call, retried or not: the run shows what went wrong, and nothing
        -- fails silently.
        CREATE TABLE remote_failures (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL,
            model TEXT NOT NULL,
            kind TEXT NOT NULL,
            status INTEGER,
            message TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
        """
        -- What a stage produced that the next ones need, such as the student checkpoint.
        ALTER TABLE stage_progress ADD COLUMN detail TEXT;
        """,
        """
        -- The student on the held-out tasks after each iteration's imitation.
        CREATE TABLE evaluations (
            iteration INTEGER NOT NULL,
            task TEXT NOT NULL,
            items INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (iteration, task)
        );
        """,
        """
        -- Pairwise judge evaluations (lion eval judge): what was compared, by which judge, and
        -- the summary per category ("all" for the whole set) as JSON.
        CREATE TABLE judgements (
            id INTEGER PRIMARY KEY,
            questions TEXT NOT NULL,
            candidate TEXT NOT NULL,
            reference TEXT NOT NULL,
            judge_model TEXT NOT NULL,
            summary_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
        """
        -- Benchmark evaluations (lion eval bbh / agieval) kept with a run: which model, which
        -- data, and the result per task as JSON.
        CREATE TABLE benchmark_results (
            id INTEGER PRIMARY KEY,
            benchmark TEXT NOT NULL,
            subject TEXT NOT NULL,
            data TEXT NOT NULL,
            summary_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
        """
        -- The iteration a failed request belonged to (the stage running when it failed; null
        -- outside the loop), so a run's status shows its failures per iteration.
        ALTER TABLE remote_failures ADD COLUMN iteration INTEGER;

        -- What each imitation trained on: the pool's instructions, the complete teacher answers
        -- used, and those left out as truncated (or empty) or refused by the endpoint.
        CREATE TABLE imitation_sets (
            iteration INTEGER PRIMARY KEY,
            instructions INTEGER NOT NULL,
            trained INTEGER NOT NULL,
            truncated INTEGER NOT NULL,
            unanswerable INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );

        -- Generator replies whose instruction came wrapped (a preamble, a label, quotes, bold,
        -- a list) and was taken out of the wrapping before the paper's filters.
        ALTER TABLE generation_attempts ADD COLUMN unwrapped INTEGER NOT NULL DEFAULT 0 CHECK (unwrapped IN (0, 1));

        -- The iteration a request was answered in (the stage running then), for plan against actual.
        ALTER TABLE usage ADD COLUMN iteration INTEGER;

        -- Request cache keys name the endpoint from version 2 on; the entries stored before
        -- (version 1) stay valid under their old keys for the run that paid for them.
        ALTER TABLE request_cache ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

        -- What `lion plan` expected when the run started or was given a new config (JSON).
        CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            plan_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
        """
        -- What `lion status` counts, found without reading the wide tables whole: reviews that did
        -- not parse, and answers the endpoint refused, are few among hundreds of thousands.
        CREATE INDEX referee_reviews_unparsed ON referee_reviews (iteration, parse_error) WHERE parse_error IS NOT NULL;
        CREATE INDEX teacher_answers_refused ON teacher_answers (finish_reason) WHERE finish_reason = 'unanswerable';
        CREATE INDEX student_answers_refused ON student_answers (finish_reason) WHERE finish_reason = 'unanswerable';
        """,
        """
        -- Scores are kept per test set: the held-out items like the training data's, and items at
        -- the benchmark's own sizes. Rebuilt, since the set joins the primary key.
        CREATE TABLE evaluations_by_set (
            iteration INTEGER NOT NULL,
            test_set TEXT NOT NULL,
            task TEXT NOT NULL,
            items INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (iteration, test_set, task)
        );
        INSERT INTO evaluations_by_set (iteration, test_set, task, items, correct, created_at)
            SELECT iteration, 'held_out', task, items, correct, created_at FROM evaluations;
        DROP TABLE evaluations;
        ALTER TABLE evaluations_by_set RENAME TO evaluations;
        """,
        """
        -- Batch API jobs of batch roles, stored as soon as each id exists, so a run that stops
        -- while a batch is pending polls the same batch again rather than paying for a new one.
        -- A line's custom id is its request's cache key.
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            lines INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            input_file_id TEXT,
            batch_id TEXT,
            status TEXT NOT NULL,
            answered INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE TABLE batch_lines (
            batch INTEGER NOT NULL REFERENCES batches (id),
            custom_id TEXT NOT NULL,
            PRIMARY KEY (batch, custom_id)
        );
        CREATE INDEX batch_lines_by_custom_id ON batch_lines (custom_id);
        ALTER TABLE usage ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
        """,
        """
        -- A refusal for the item's content or length is a property of the request (the item and
        -- the role's parameters): the fingerprint of the parameters it was refused under, so that
        -- a run continued with other parameters asks again. teacher_answers has request_key already.
        ALTER TABLE referee_reviews ADD COLUMN request_key TEXT;
        ALTER TABLE student_answers ADD COLUMN request_key TEXT;
        CREATE INDEX teacher_answers_filtered ON teacher_answers (finish_reason) WHERE finish_reason = 'content_filter';

        -- Requests sent with fewer output tokens than asked, to fit the model's context.
        CREATE TABLE context_clamps (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL,
            model TEXT NOT NULL,
            asked INTEGER NOT NULL,
            given INTEGER NOT NULL,
            iteration INTEGER,
            created_at TEXT NOT NULL
        );
        """,
        """
        -- What a stopped stage owes in a column of its own; it was the detail text after "stopped: ".
        ALTER TABLE stage_progress ADD COLUMN owed TEXT;
        UPDATE stage_progress SET owed = substr(detail, 10), detail = NULL WHERE status = 'running' AND detail LIKE 'stopped: %';

        -- How the endpoint refused a referee call for the pair's sake, in a column of its own; it was
        -- the word before the colon of the problem text.
        ALTER TABLE referee_reviews ADD COLUMN refused TEXT;
        UPDATE referee_reviews SET refused = 'unanswerable' WHERE parse_error LIKE 'unanswerable:%';
        UPDATE referee_reviews SET refused = 'content_filter' WHERE parse_error LIKE 'content_filter:%';
        """,
    ];
}
