namespace Lion.Core.Planning;

/// <summary>
/// What a run is expected to ask for before it asks: a line per iteration and role, the wall time
/// the rate limits imply for the paid roles, the models whose price is unknown (their cost is not
/// guessed), and every assumption the figures rest on, in words.
/// </summary>
public sealed record RunPlan(IReadOnlyList<PlanLine> Lines, double WallMinutes, IReadOnlyList<string> UnpricedModels, IReadOnlyList<string> Assumptions)
{
    /// <summary>The student the plan is for.</summary>
    public Config.StudentSettings? Student { get; init; }

    public long Requests => Lines.Sum(l => l.Requests);
    public long InputTokens => Lines.Sum(l => l.InputTokens);
    public long OutputTokens => Lines.Sum(l => l.OutputTokens);

    /// <summary>The cost of every priced line; null when no line has a price.</summary>
    public double? Cost => Lines.Any(l => l.Cost is not null) ? Lines.Sum(l => l.Cost ?? 0) : null;
}
