using System.Text.Json;

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

    /// <summary>The plan as `lion plan --json` prints it and the store keeps it.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        plan = Lines.Select(l => new
        {
            iteration = l.Iteration, role = l.Role.Name, model = l.Model, requests = l.Requests,
            input_tokens = l.InputTokens, output_tokens = l.OutputTokens, cost = l.Cost is { } c ? Math.Round(c, 4) : (double?)null,
        }),
        requests = Requests,
        input_tokens = InputTokens,
        output_tokens = OutputTokens,
        cost = Cost is { } total ? Math.Round(total, 2) : (double?)null,
        wall_minutes = Math.Round(WallMinutes, 1),
        unpriced_models = UnpricedModels,
        student = Student is { } student ? new { kind = Vocabulary<Config.StudentKind>.Word(student.Runs), model = student.ModelName } : null,
        assumptions = Assumptions,
    });
}
