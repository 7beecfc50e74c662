namespace Lion.Core.Evaluation;

/// <summary>A question put to both models: its id, its category, and the text of its first turn.</summary>
public sealed record JudgeQuestion(string Id, string Category, string Text);
