using System.CommandLine;
using Lion.Core;

namespace Lion.Cli;

/// <summary>
/// Runs a command's work and turns input errors into the contract: the message on standard
/// error and exit code 1. Anything else is a bug and surfaces with its stack trace.
/// </summary>
internal static class CommandBody
{
    public static int Run(ParseResult parse, Func<TextWriter, int> work) =>
        RunAsync(parse, output => Task.FromResult(work(output))).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Task<int>> work)
    {
        try
        {
            return await work(parse.InvocationConfiguration.Output);
        }
        catch (BadInputException error)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {error.Message}");
            return ExitCode.InputError;
        }
    }
}
