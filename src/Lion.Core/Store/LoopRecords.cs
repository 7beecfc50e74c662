namespace Lion.Core.Store;

/// <summary>An instruction as a pool holds it.</summary>
public sealed record PoolItem(long Id, string Instruction, string Input, string Origin);

/// <summary>One referee call: which answer came first, and the parsed scores or the parse error.</summary>
public sealed record Review(long InstructionId, bool TeacherFirst, int Attempt, string Raw, double? TeacherScore, double? StudentScore, string? ParseError);

/// <summary>The referee's judgement of one instruction, both orders averaged.</summary>
public sealed record Verdict(long InstructionId, double TeacherScore, double StudentScore, double Gap, string Label, bool OrderFlipped);

/// <summary>One generator call and what became of its reply; <see cref="Unwrapped"/> when the instruction came wrapped.</summary>
public sealed record GenerationAttempt(
    int Slot, long SeedInstructionId, string Kind, string Raw, string? Candidate, string? FinishReason,
    bool Kept, string? RejectReason, long? InstructionId, double? MaxSimilarity, bool Unwrapped = false);
