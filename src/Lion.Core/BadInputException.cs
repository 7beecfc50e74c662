namespace Lion.Core;

/// <summary>
/// Input the user can fix: a malformed file, a missing field, a folder that is not a run.
/// The message names the file, and where known the line and field, so the command line can
/// print it as is and exit with code 1.
/// </summary>
public sealed class BadInputException : Exception
{
    public BadInputException(string message) : base(message) { }

    public static BadInputException InFile(string file, string problem) =>
        new($"{file}: {problem}");

    public static BadInputException AtLine(string file, int line, string problem) =>
        new($"{file}:{line}: {problem}");

    public static BadInputException AtField(string file, int line, string field, string problem) =>
        new($"{file}:{line}: field \"{field}\" {problem}");
}
