using System.CommandLine;

namespace Lion.Cli.Tests;

/// <summary>What one run of the `lion` command printed and returned.</summary>
public sealed record LionInvocation(int ExitCode, string Output, string Error)
{
    /// <summary>Runs the command line in this process, capturing standard output and error.</summary>
    public static LionInvocation Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = LionCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return new LionInvocation(exitCode, output.ToString(), error.ToString());
    }
}
