namespace Lion.Core.Store;

/// <summary>
/// What one imitation trained on: the pool's instructions, the complete teacher answers used,
/// and those left out because the answer was truncated (or empty) or the endpoint refused it.
/// </summary>
public sealed record ImitationSet(int Instructions, int Trained, int Truncated, int Unanswerable);
