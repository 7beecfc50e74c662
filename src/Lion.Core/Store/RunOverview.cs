namespace Lion.Core.Store;

/// <summary>Where a run stands: what `lion status` shows.</summary>
public sealed record RunOverview(
    string Folder,
    string CreatedAt,
    string LionVersion,
    string? ConfigSource,
    IReadOnlyList<ImportSummary> Imports,
    IReadOnlyDictionary<InstructionOrigin, int> InstructionsByOrigin,
    IReadOnlyList<RunOverview.PoolSize> Pools,
    IReadOnlyList<RunOverview.StageState> Stages,
    RunOverview.UsageTotals Usage,
    IReadOnlyDictionary<string, int> RemoteFailuresByKind,
    IReadOnlyList<RunOverview.IterationResult> Results,
    IReadOnlyDictionary<string, int> UnanswerableByRole,
    IReadOnlyList<RunOverview.PendingBatch> PendingBatches,
    RunOverview.FinishedBatches BatchesDone)
{
    /// <summary>Requests the provider's content filter refused or withheld, by role.</summary>
    public IReadOnlyDictionary<string, int> ContentFilteredByRole { get; init; } = new Dictionary<string, int>();

    /// <summary>Requests sent with fewer output tokens than asked to fit the model's context, by role: how many, and the fewest sent.</summary>
    public IReadOnlyDictionary<string, ContextClamps> ClampedByRole { get; init; } = new Dictionary<string, ContextClamps>();

    /// <summary>Requests sent with fewer output tokens than asked, and the fewest any was sent with.</summary>
    public sealed record ContextClamps(int Requests, int FewestTokens);

    /// <summary>
    /// What the referee and generator made of one iteration: verdicts by label, mean gap, the
    /// share of pairs whose winner flipped when the order was swapped, reviews that did not
    /// parse, generation attempts kept or rejected by reason (and how many came wrapped), the
    /// student's accuracy (averaged over tasks) on each test set after the iteration's imitation, what
    /// imitation trained on, and the requests that failed, by role.
    /// </summary>
    public sealed record IterationResult(
        int Iteration, int Hard, int Easy, double? MeanGap, double? FlipRate, int UnparsedReviews,
        int Kept, IReadOnlyDictionary<string, int> RejectedByReason, double? HeldOutAccuracy,
        double? BenchmarkSizedAccuracy, ImitationSet? Imitation, int Unwrapped, IReadOnlyList<RoleFailures> Failures);

    /// <summary>A role's failed requests in an iteration (retried ones included) and the message seen most often.</summary>
    public sealed record RoleFailures(string Role, int Count, string CommonMessage);

    public sealed record PoolSize(Pool Pool, int Iteration, int Instructions);

    /// <summary>A stage's status; <paramref name="Owed"/> says what a stage that stopped unfinished still owes.</summary>
    public sealed record StageState(int Iteration, LoopStage Stage, StageStatus Status, string? Owed = null);

    /// <summary>
    /// Requests counts paid upstream answers; answers served from the cache are counted apart and
    /// their tokens are not in the totals.
    /// </summary>
    public sealed record UsageTotals(long Requests, long CachedHits, long InputTokens, long OutputTokens, double Cost, long BatchRequests = 0);

    /// <summary>A batch the provider has not finished (or that is not yet submitted): the run polls it when it starts again.</summary>
    public sealed record PendingBatch(string Role, string? BatchId, int Lines, Lion.Core.Gateway.BatchStatus Status, string CreatedAt);

    /// <summary>Batches that ended: how many, the lines answered, and the lines failed or left unanswered (asked again).</summary>
    public sealed record FinishedBatches(int Batches, int Answered, int Failed);
}
