namespace Lion.Core.Evaluation;

/// <summary>The forms a task's exact answer takes.</summary>
public enum AnswerKind
{
    Letter,
    YesNo,
    TrueFalse,
    Integer,
    Sequence,
}
