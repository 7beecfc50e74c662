using System.CommandLine;
using Lion.Core;

namespace Lion.Cli;

/// <summary>
/// Runs a command's work and turns input errors into the contract: the message on standard
/// error and exit code 1. Anything else is a bug and surfaces with its stack trace.
/// </summary>
internal static class CommandBody
{
    public static int Run(ParseResult parse, Func<TextWriter, int> work)
    {
        var output = parse.InvocationConfiguration.Output;
        try
        {
            return work(output);
        }
        catch (BadInputException error)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {error.Message}");
            return ExitCode.InputError;
        }
    }
}
