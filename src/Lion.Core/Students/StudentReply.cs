namespace Lion.Core.Students;

/// <summary>A student's answer and why it stopped ("stop", "length").</summary>
public sealed record StudentReply(string Text, string FinishReason);
