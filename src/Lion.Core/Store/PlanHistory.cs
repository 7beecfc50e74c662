namespace Lion.Core.Store;

/// <summary>
/// What a run under way has measured, for planning the rest of it: mean output tokens per paid
/// request of each role, generator requests per kept instruction, and referee requests per review.
/// A value is null until the run has measured it. <see cref="IterationsDone"/> are whole
/// iterations finished: only the ones after them are planned.
/// </summary>
public sealed record PlanHistory(
    IReadOnlyDictionary<string, double> MeanOutputTokens, double? GeneratorRequestsPerKept, double? RefereeRequestsPerReview, int IterationsDone = 0);
