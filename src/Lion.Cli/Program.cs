using System.CommandLine.Parsing;
using Lion.Cli;

var parse = LionCommand.Create().Parse(args);
// A command line that does not parse is an input error like any other: "error: …", exit 1.
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    var path = new List<string>();
    for (SymbolResult? result = parse.CommandResult; result is CommandResult command; result = command.Parent)
        path.Insert(0, command.Parent is null ? "lion" : command.Command.Name);
    Console.Error.WriteLine($"`{string.Join(' ', path)} --help` describes the command.");
    return ExitCode.InputError;
}
return await parse.InvokeAsync();
