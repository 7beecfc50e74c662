using System.CommandLine;
using Lion.Core;

namespace Lion.Cli;

/// <summary>
/// Runs a command's work and turns input errors into the contract: the message on standard
/// error and exit code 1; a failure of the machine under lion (a full disk, a failing one)
/// exit code 2; a path the system refuses (permissions, a file where a folder belongs) is the
/// user's to fix, exit 1. Anything else is a bug and surfaces with its stack trace.
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
        catch (Core.Gateway.ConfigRefusedException error)
        {
            // The endpoint refuses a parameter the config sets: the config is the input to fix.
            parse.InvocationConfiguration.Error.WriteLine($"error: {error.Message}. Set {error.ConfigKey} to a value the model takes (null leaves it out).");
            return ExitCode.InputError;
        }
        catch (StorageException error)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {error.Message}");
            return error.IsOutside ? ExitCode.RemoteError : ExitCode.InputError;
        }
        catch (UnauthorizedAccessException error)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {error.Message} Choose a place you can write to, or change its permissions.");
            return ExitCode.InputError;
        }
        catch (IOException error) when (StorageException.IsDiskFull(error))
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: the disk is full ({error.Message}). What was finished is stored; " +
                                                          "free some space and run the same command again.");
            return ExitCode.RemoteError;
        }
        catch (IOException error)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {error.Message}");
            return ExitCode.InputError;
        }
    }
}
