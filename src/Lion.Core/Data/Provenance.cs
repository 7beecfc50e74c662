
namespace Lion.Core.Data;

/// <summary>
/// Where an exported instruction came from and what the referee made of it: its origin (seed,
/// hard or easy), the iteration it entered, the instruction it was generated from, and the latest
/// verdict with the scores behind it.
/// </summary>
public sealed record Provenance(
    InstructionOrigin Origin, int Iteration, string? ParentId, VerdictLabel? Verdict, int? VerdictIteration, double? TeacherScore, double? StudentScore, double? Gap);
