namespace Lion.Cli;

/// <summary>The exit codes of the command-line contract (DESIGN.md).</summary>
public static class ExitCode
{
    public const int Success = 0;
    public const int InputError = 1;
    public const int RemoteError = 2;
    public const int Cancelled = 130;
}
