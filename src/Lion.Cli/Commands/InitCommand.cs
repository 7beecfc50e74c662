using System.CommandLine;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>`lion init`: a run folder with its store and seeds; calls no model.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var seeds = new Option<string>("--seeds")
        {
            Description = "Seed instructions: Alpaca JSON, JSON Lines, or plain text (one per line).",
            HelpName = "FILE",
            Required = true,
        };
        var folder = RunFolderOption.Create(required: true);
        var config = new Option<string?>("--config")
        {
            Description = "A JSON config file to store with the run.",
            HelpName = "FILE",
        };

        var command = new Command("init", "Create a run folder and import its seed instructions; calls no model.")
        {
            seeds, folder, config,
        };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            // Read everything first: a bad file must fail before anything is created.
            var seedFile = SeedFileReader.Read(parse.GetValue(seeds)!);
            seedFile.WarnAboutDropped(parse.InvocationConfiguration.Error);
            var setup = parse.GetValue(config) is { } configPath ? RunSetup.FromConfigFile(configPath) : new RunSetup();
            string runFolder = parse.GetValue(folder)!;
            // The files the config names are checked before the run is made, as `lion run` checks them.
            if (parse.GetValue(config) is { } named)
                Lion.Core.Config.ConfigReferences.Check(Lion.Core.Config.RunConfigReader.Parse(setup.ConfigJson, named), runFolder, named, keys: false);

            using var writer = RunLock.Acquire(runFolder, "lion init");
            var summary = RunFolder.Create(runFolder, seedFile, setup);
            output.WriteLine($"Created run {runFolder}");
            output.WriteLine(
                $"Imported {summary.Records} records from {summary.Source} ({summary.Format}): " +
                $"{summary.Added} instructions, {summary.Duplicates} exact duplicates merged");
            return ExitCode.Success;
        }));
        return command;
    }
}
