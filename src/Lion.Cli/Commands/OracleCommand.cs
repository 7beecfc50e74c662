using System.CommandLine;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Evaluation;
using Lion.Oracle;

namespace Lion.Cli.Commands;

/// <summary>`lion oracle`: the offline teacher on its own — score it on task files, or serve it.</summary>
internal static class OracleCommand
{
    public const string ModelName = "lion-oracle";

    public static Command Create()
    {
        var command = new Command("oracle", "The offline oracle teacher: exact answers, grades and new items for BBH-style tasks.");
        command.Subcommands.Add(Solve());
        command.Subcommands.Add(Serve());
        return command;
    }

    private static Command Solve()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "BBH-format task files: {\"examples\": [{\"input\", \"target\"}]} or JSON Lines of those objects.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("solve", "Solve every example of each file; one JSON line per file; exit 0 only if all are right.") { files };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            bool allRight = true;
            foreach (var path in parse.GetValue(files)!)
            {
                var examples = BbhFile.Read(path);
                int correct = 0, unparsed = 0;
                foreach (var example in examples)
                {
                    try
                    {
                        if (Oracle.Oracle.Solve(example.Input).Target == example.Target.Trim())
                            correct++;
                    }
                    catch (UnsolvableItemException)
                    {
                        unparsed++;
                    }
                }
                allRight &= correct == examples.Count;
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    file = path,
                    task = Path.GetFileNameWithoutExtension(path),
                    items = examples.Count,
                    correct,
                    unparsed,
                }));
            }
            return allRight ? ExitCode.Success : ExitCode.InputError;
        }));
        return command;
    }

    private static Command Serve()
    {
        var server = new ServerOptions();
        var explain = new Option<bool>("--explain") { Description = "Teacher answers show their worked steps." };
        var style = WordOption.Create("--style",
            "Referee and generator replies: plain, chatty-wrapping (as chat models wrap them) or chatty (also refusals, cut-offs, junk).",
            OracleStyle.Plain);
        var batchDelay = new Option<double>("--batch-delay")
        {
            Description = "Seconds an emulated batch (POST /v1/batches) takes before its output file is ready.",
            HelpName = "SECONDS",
        };

        var command = new Command("serve", $"Serve the oracle as an OpenAI-compatible endpoint (model \"{ModelName}\"), with the Files and Batches endpoints, until stopped.")
        {
            explain, style, batchDelay,
        };
        server.AddTo(command);
        command.SetAction(async (parse, cancellation) => await CommandBody.RunAsync(parse, async output =>
        {
            string? key = server.Key(parse);
            var oracle = new OracleChatClient(new OracleOptions { Explain = parse.GetValue(explain), Style = parse.GetValue(style), Log = output.WriteLine });
            double delay = parse.GetValue(batchDelay);
            if (delay is < 0 or > 86400)
                throw new BadInputException($"--batch-delay {delay}: give seconds from 0 to 86400");
            var options = new ChatServerOptions
            {
                Host = parse.GetValue(server.Host)!, Port = parse.GetValue(server.Port), ApiKey = key, Models = [ModelName],
                BatchCompletionDelay = TimeSpan.FromSeconds(delay),
            };
            await using var endpoint = await ChatServer.StartAsync(oracle, options, cancellation);
            output.WriteLine($"Serving the oracle at {endpoint.BaseUrl} as model \"{ModelName}\"; Ctrl-C stops.");
            await ServerOptions.UntilStopped(cancellation);
            output.WriteLine($"Stopped after {endpoint.Received} requests.");
            return ExitCode.Success;
        }));
        return command;
    }
}
