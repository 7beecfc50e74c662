namespace Lion.Core;

/// <summary>The referee's verdict on an instruction: hard when the teacher's score beats the student's by at least the threshold.</summary>
public enum VerdictLabel
{
    Hard,
    Easy,
}
