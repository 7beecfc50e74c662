using System.CommandLine;
using Lion.Core;

namespace Lion.Cli.Commands;

/// <summary>The listening options every serving command shares: where, and which bearer key it asks for.</summary>
internal sealed class ServerOptions
{
    public Option<int> Port { get; } = PortOption();

    public Option<string> Host { get; } = new("--host") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };

    public Option<string?> KeyVariable { get; } = new("--api-key-env")
    {
        Description = "Require this environment variable's value as the bearer key.",
        HelpName = "VAR",
    };

    private static Option<int> PortOption()
    {
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8765 };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
                result.AddError($"--port {result.GetValueOrDefault<int>()}: a port is a number from 0 to 65535");
        });
        return port;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Port);
        command.Options.Add(Host);
        command.Options.Add(KeyVariable);
    }

    /// <summary>The key to require, or null for none; a named variable that is unset is an error, not an open server.</summary>
    public string? Key(ParseResult parse)
    {
        if (parse.GetValue(KeyVariable) is not { } name)
            return null;
        string? key = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(key) ? throw new BadInputException($"--api-key-env {name}: the variable is not set") : key;
    }

    /// <summary>Waits for Ctrl-C (or the command's cancellation) while the server runs.</summary>
    public static async Task UntilStopped(CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
