using Lion.Core.Prompts;

namespace Lion.Core.Config;

/// <summary>
/// Every knob of a run, with the paper's defaults (LION.md): 3 iterations, τ = 1.0 (hard when
/// the gap is at least τ), hard:easy 1:1, novelty rejects ROUGE-L F1 above 0.7, one seed per
/// generator call; teacher 0.7 / 1024 tokens, referee 0.2 / 512, generator 1.0 with 4 tokens per
/// seed word, student 0.7 / 1024. The paper makes 6,000 new instructions an iteration; the
/// default here is smaller, as few users start at the paper's scale.
/// </summary>
public sealed record RunConfig
{
    public int Iterations { get; init; } = 3;
    public int NewInstructionsPerIteration { get; init; } = 600;
    public HardEasyRatio HardEasyRatio { get; init; } = new(1, 1);
    public double Threshold { get; init; } = 1.0;
    public double NoveltyThreshold { get; init; } = 0.7;
    public int SeedsPerGeneratorCall { get; init; } = 1;

    /// <summary>Generator calls allowed per wanted instruction before the stage settles for fewer.</summary>
    public int GenerationAttemptsPerInstruction { get; init; } = 4;

    /// <summary>Extra referee calls for a review whose reply does not parse.</summary>
    public int RefereeRetries { get; init; } = 2;

    public SeedSelection Selection { get; init; } = SeedSelection.Adversarial;

    public TrainingData TrainOn { get; init; } = TrainingData.New;

    public int Concurrency { get; init; } = 16;
    public int RandomSeed { get; init; } = 2305;

    public RoleSettings Teacher { get; init; } = new() { Temperature = 0.7, MaxTokens = 1024 };
    public RoleSettings Referee { get; init; } = new() { Temperature = 0.2, MaxTokens = 512 };
    public RoleSettings Generator { get; init; } = new() { Temperature = 1.0, MaxTokens = 256, MaxTokensPerSeedWord = 4 };
    public StudentSettings Student { get; init; } = new();

    public PromptFiles Prompts { get; init; } = new();
    public OracleSettings Oracle { get; init; } = new();
    public EvaluationSettings Evaluation { get; init; } = new();
    /// <summary>
    /// The provider's limits for every paid role without its own. Left out, a loopback endpoint
    /// (a server on this machine) is not paced at all and any other is paced to the defaults.
    /// </summary>
    public LimitSettings? Limits { get; init; }
    public RetryConfig Retry { get; init; } = new();
    public BudgetSettings Budget { get; init; } = new();
    public Dictionary<string, PriceSettings> Prices { get; init; } = [];
    public BatchSettings Batch { get; init; } = new();

    /// <summary>
    /// Requests a stage has in flight at once for a role: the run's concurrency, or for a batch
    /// role as many as one batch file holds, since they wait together for the batch.
    /// </summary>
    public int ConcurrencyFor(RoleSettings role) => role.Batch && !role.IsOracle ? Batch.MaxLines : Concurrency;

    /// <summary>The models of roles served by a paid endpoint (anything but the oracle) that have no entry in <see cref="Prices"/>: their cost counts as 0.</summary>
    public IReadOnlyList<(Role Role, string Model)> UnpricedModels() =>
        Role.Loop.Select(role => (Role: role, Settings: Settings(role)))
            .Where(r => !r.Settings.IsOracle && !Prices.ContainsKey(r.Settings.Model))
            .Select(r => (r.Role, r.Settings.Model)).ToList();

    /// <summary>The settings of one of the loop's roles.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A role outside the loop (a judge's settings are the command's, not the run's).</exception>
    public RoleSettings Settings(Role role) =>
        role == Role.Teacher ? Teacher
        : role == Role.Referee ? Referee
        : role == Role.Generator ? Generator
        : throw new ArgumentOutOfRangeException(nameof(role), role, "not one of the loop's roles");

    /// <summary>
    /// The limits a role's requests are paced to: none for the oracle (in-process), the role's own,
    /// else the run's, else none for a loopback endpoint and the defaults for any other.
    /// </summary>
    public LimitSettings? LimitsFor(RoleSettings role) =>
        role.IsOracle ? null : role.Limits ?? Limits ?? (role.IsLoopback ? null : new LimitSettings());
}

/// <summary>
/// Test sets the student is scored on after each iteration's imitation, folders of BBH-format
/// files that never enter training (null scores nothing): held-out items like the training
/// data's, and items at the benchmark's own sizes and variants, reported apart.
/// </summary>
public sealed record EvaluationSettings
{
    public string? BbhData { get; init; }
    public string? BenchmarkSizedData { get; init; }
    public int MaxNewTokens { get; init; } = 16;
}

/// <summary>
/// The built-in oracle where a role's endpoint is "oracle": its <see cref="OracleStyle"/>, for
/// trying the loop against a model that behaves like a real one.
/// </summary>
public sealed record OracleSettings
{
    public OracleStyle Style { get; init; } = OracleStyle.Plain;
    public EasyMove EasyMove { get; init; } = EasyMove.Rarer;
}

/// <summary>A provider's limits: requests and tokens a minute, and requests in flight at once.</summary>
public sealed record LimitSettings
{
    public int RequestsPerMinute { get; init; } = 500;
    public int TokensPerMinute { get; init; } = 200_000;
    public int MaxConcurrency { get; init; } = 64;
}

/// <summary>
/// How the gateway retries a request that failed in a way worth retrying (connection, timeout,
/// 408, 429, 5xx): attempts in all, the backoff's first and longest wait, and the longest
/// Retry-After honoured (a longer one is a quota, not a burst).
/// </summary>
public sealed record RetryConfig
{
    public int MaxAttempts { get; init; } = 6;
    public double BaseDelaySeconds { get; init; } = 1;
    public double MaxDelaySeconds { get; init; } = 60;
    public double MaxRetryAfterSeconds { get; init; } = 120;

    public Gateway.RetrySettings Settings() => new()
    {
        MaxAttempts = MaxAttempts,
        BaseDelay = TimeSpan.FromSeconds(BaseDelaySeconds),
        MaxDelay = TimeSpan.FromSeconds(MaxDelaySeconds),
        MaxRetryAfter = TimeSpan.FromSeconds(MaxRetryAfterSeconds),
    };
}

public sealed record BudgetSettings
{
    public double? MaxCost { get; init; }
    public long? MaxTokens { get; init; }
}

public sealed record PriceSettings
{
    public double InputPerMillion { get; init; }
    public double OutputPerMillion { get; init; }

    /// <summary>The Batch API's prices; null: these times <see cref="BatchSettings.Discount"/>.</summary>
    public double? BatchInputPerMillion { get; init; }
    public double? BatchOutputPerMillion { get; init; }
}

/// <summary>
/// How batch roles use the provider's Batch API: the price factor where no batch price is given,
/// how long requests are collected before a batch is written (a stage asks for all its requests at
/// once), the provider's limits on one batch file, how often to poll (doubling up to the longest
/// wait), the completion window asked for, what becomes of lines that failed or expired (asked
/// again in a new batch, or live, up to <see cref="MaxAttempts"/> times), and whether a batch
/// generator over-asks.
/// </summary>
public sealed record BatchSettings
{
    public double Discount { get; init; } = 0.5;
    public double CollectSeconds { get; init; } = 2;
    public int MaxLines { get; init; } = 50_000;
    public long MaxBytes { get; init; } = 200_000_000;
    public double PollSeconds { get; init; } = 30;
    public double MaxPollSeconds { get; init; } = 600;
    public string CompletionWindow { get; init; } = "24h";
    public BatchRetry RetryFailed { get; init; } = BatchRetry.Batch;
    public int MaxAttempts { get; init; } = 3;

    /// <summary>
    /// A batch generator's later rounds ask for the shortfall times the replies it took per kept
    /// instruction so far: fewer rounds of a day each, some replies past the quota (quota_filled).
    /// Off, a batch run asks for exactly what a live run with enough concurrency asks.
    /// </summary>
    public bool GenerationOverAsk { get; init; } = true;
}
