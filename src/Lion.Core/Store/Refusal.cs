namespace Lion.Core.Store;

/// <summary>
/// A request the endpoint refused for the item's sake: the role, the iteration (null for a teacher
/// answer, which serves every iteration), the instruction (a generator's seed), the outcome
/// (<c>unanswerable</c> or <c>content_filter</c>) and the provider's words.
/// </summary>
public sealed record Refusal(string Role, int? Iteration, long InstructionId, string Instruction, string Outcome, string Message);
