using Microsoft.Extensions.AI;

namespace Lion.Core.Students;

/// <summary>A student's answer and why it stopped (<see cref="ChatFinishReason.Stop"/>, <see cref="ChatFinishReason.Length"/>, or unanswerable).</summary>
public sealed record StudentReply(string Text, ChatFinishReason FinishReason);
