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

    /// <summary>The endpoint URL a serving command prints once it listens.</summary>
    public static async Task<string> WaitForUrl(StringWriter output)
    {
        for (int i = 0; i < 200; i++)
        {
            var match = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"http://\S+/v1/");
            if (match.Success)
                return match.Value;
            await Task.Delay(50);
        }
        throw new TimeoutException("the server never said where it listens: " + output);
    }
}
