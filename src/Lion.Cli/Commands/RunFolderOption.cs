using System.CommandLine;

namespace Lion.Cli.Commands;

/// <summary>The --out option that names a run folder; ./lion-run unless given.</summary>
internal static class RunFolderOption
{
    public const string DefaultFolder = "lion-run";

    public static Option<string> Create(bool required = false) => new("--out")
    {
        Description = required ? "The run folder to create." : "The run folder.",
        HelpName = "DIR",
        Required = required,
        DefaultValueFactory = required ? null! : _ => DefaultFolder,
    };
}
