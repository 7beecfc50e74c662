namespace Lion.Core.Loop;

/// <summary>The kinds of counted work a stage reports, each a bar of its own.</summary>
public enum WorkKind
{
    TeacherAnswers,
    StudentAnswers,
    TestAnswers,
    PairsJudged,
    GeneratorReplies,
    InstructionsKept,
}
