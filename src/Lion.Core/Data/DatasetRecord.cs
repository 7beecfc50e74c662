namespace Lion.Core.Data;

/// <summary>An instruction on its way out of a run, with the stable id formats like ShareGPT carry, and where it came from when asked.</summary>
public sealed record DatasetRecord(string Id, InstructionRecord Instruction, Provenance? Provenance = null)
{
    /// <summary>What its answer is, for a record read from a run; null for one read from a file.</summary>
    public AnswerState? State { get; init; }

    /// <summary>Whether a trainer may learn from it: it carries an answer, the teacher's or the seed's.</summary>
    public bool IsTrainable => State is AnswerState.Answered or AnswerState.Seed
                               || State is null && !string.IsNullOrWhiteSpace(Instruction.Output);
}
