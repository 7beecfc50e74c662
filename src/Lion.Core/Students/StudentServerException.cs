namespace Lion.Core.Students;

/// <summary>The student's server could not be started or kept up; the run stops (exit 2) with its message and the server's last log lines.</summary>
public sealed class StudentServerException(string message) : Exception(message);
