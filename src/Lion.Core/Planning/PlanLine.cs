namespace Lion.Core.Planning;

/// <summary>One role's expected requests, tokens and cost in one iteration; cost is null when the role's model has no price.</summary>
public sealed record PlanLine(int Iteration, Role Role, string Model, long Requests, long InputTokens, long OutputTokens, double? Cost);
