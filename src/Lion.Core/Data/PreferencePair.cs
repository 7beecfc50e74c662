namespace Lion.Core.Data;

/// <summary>
/// A preference pair from discrimination: an instruction the referee judged hard in an
/// iteration, the teacher's complete answer (chosen) and that iteration's student answer
/// (rejected), with the referee's scores and gap, as DPO and ORPO trainers take them.
/// </summary>
public sealed record PreferencePair(
    string Id, int Iteration, string Instruction, string Input, string Chosen, string Rejected, double TeacherScore, double StudentScore, double Gap);
