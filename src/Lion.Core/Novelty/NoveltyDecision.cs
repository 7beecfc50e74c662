namespace Lion.Core.Novelty;

/// <summary>
/// The verdict on one candidate: kept or not, and its most similar earlier text (pool, or a
/// candidate kept before it) with that ROUGE-L F1. MostSimilar is null when nothing shares a
/// token with it (score 0).
/// </summary>
public sealed record NoveltyDecision(bool Kept, double MaxScore, string? MostSimilar);
