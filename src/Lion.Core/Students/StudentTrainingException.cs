namespace Lion.Core.Students;

/// <summary>The student could not be trained (the external command failed, say); the run stops with its message.</summary>
public sealed class StudentTrainingException(string message) : Exception(message);
