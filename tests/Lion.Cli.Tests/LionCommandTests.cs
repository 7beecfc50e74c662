using System.Diagnostics;

namespace Lion.Cli.Tests;

public sealed class LionCommandTests
{
    [Fact]
    public void Help_lists_the_commands_that_exist()
    {
        var result = LionInvocation.Run("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"\binit\b", result.Output);
        Assert.Matches(@"\bstatus\b", result.Output);
        Assert.Matches(@"\bexport\b", result.Output);
    }

    [Fact]
    public void Version_prints_the_version()
    {
        var result = LionInvocation.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output.Trim());
    }

    [Fact]
    public void An_unknown_command_is_a_usage_error()
    {
        var result = LionInvocation.Run("distil-everything");

        Assert.Equal(ExitCode.InputError, result.ExitCode);
    }

    [Fact]
    public void The_built_executable_reports_input_errors_on_standard_error_with_exit_code_1()
    {
        string lion = Path.Combine(AppContext.BaseDirectory, "lion");
        var start = new ProcessStartInfo(lion, ["export", "--out", "/nonexistent/run", "--format", "jsonl"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("", output);
        Assert.Equal("error: /nonexistent/run: no such run folder; create one with `lion init`", error.Trim());
    }

    [Fact]
    public void A_command_line_that_does_not_parse_says_error_and_which_help_to_read_with_exit_code_1()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "lion"), ["export", "--format", "yaml"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith("error: Argument 'yaml' not recognized.", error);
        Assert.EndsWith("`lion export --help` describes the command.", error.Trim());
    }
}
