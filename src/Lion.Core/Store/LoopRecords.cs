using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Core.Store;

/// <summary>An instruction as a pool holds it.</summary>
public sealed record PoolItem(long Id, string Instruction, string Input, InstructionOrigin Origin);

/// <summary>One referee call: which answer came first, and the parsed scores or the parse error.</summary>
public sealed record Review(long InstructionId, bool TeacherFirst, int Attempt, string Raw, double? TeacherScore, double? StudentScore, string? ParseError)
{
    /// <summary>For a refused call, the fingerprint of the referee's parameters it was refused under.</summary>
    public string? RequestKey { get; init; }

    /// <summary>How the endpoint refused the call for the pair's sake (unanswerable or content filter); null when it did not.</summary>
    public ChatFinishReason? RefusedAs { get; init; }
}

/// <summary>The referee's judgement of one instruction, both orders averaged.</summary>
public sealed record Verdict(long InstructionId, double TeacherScore, double StudentScore, double Gap, VerdictLabel Label, bool OrderFlipped);

/// <summary>One generator call and what became of its reply; <see cref="Unwrapped"/> when the instruction came wrapped.</summary>
public sealed record GenerationAttempt(
    int Slot, long SeedInstructionId, GenerationKind Kind, string Raw, string? Candidate, ChatFinishReason? FinishReason,
    bool Kept, RejectReason? RejectReason, long? InstructionId, double? MaxSimilarity, bool Unwrapped = false);

/// <summary>Where a stage of an iteration stands; a stopped one says what it owes.</summary>
public sealed record StageProgress(StageStatus Status, string? Owed);

/// <summary>
/// The teacher's stored answer to an instruction: complete when it stopped by itself with some
/// text; a refusal holds the fingerprint of the parameters it was refused under.
/// </summary>
public sealed record TeacherAnswer(string Text, ChatFinishReason? FinishReason, string? RequestKey = null)
{
    public bool IsComplete => (FinishReason is null || FinishReason == ChatFinishReason.Stop) && !string.IsNullOrWhiteSpace(Text);

    public bool IsRefused => ItemOutcome.IsRefused(FinishReason);

    /// <summary>Whether this is the teacher's result under <paramref name="fingerprint"/>: an answer always, a refusal only under the parameters it was refused with.</summary>
    public bool StandsUnder(string fingerprint) => !IsRefused || RequestKey == fingerprint;
}
