using System.CommandLine;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>`lion export`: a run's instructions and answers as a training dataset.</summary>
internal static class ExportCommand
{
    private static readonly Dictionary<string, ExportFormat> Formats = new()
    {
        ["alpaca"] = ExportFormat.Alpaca,
        ["sharegpt"] = ExportFormat.ShareGpt,
        ["jsonl"] = ExportFormat.JsonLines,
    };

    private static readonly Dictionary<string, PoolSelection> Pools = new()
    {
        ["train"] = PoolSelection.Train,
        ["cache"] = PoolSelection.Cache,
        ["all"] = PoolSelection.All,
    };

    public static Command Create()
    {
        var folder = RunFolderOption.Create();
        var format = new Option<string>("--format")
        {
            Description = "Dataset format.",
            Required = true,
        };
        format.AcceptOnlyFromAmong([.. Formats.Keys]);
        var pool = new Option<string>("--pool")
        {
            Description = "The train pool or cache pool as it stands now, or every instruction of the run.",
            DefaultValueFactory = _ => "all",
        };
        pool.AcceptOnlyFromAmong([.. Pools.Keys]);
        var destination = new Option<string?>("--to")
        {
            Description = "Write to this file instead of standard output.",
            HelpName = "FILE",
        };

        var command = new Command("export", "Export a run's instructions and answers as Alpaca JSON, ShareGPT JSON or JSON Lines.")
        {
            folder, format, pool, destination,
        };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            IReadOnlyList<DatasetRecord> records;
            using (var store = RunStore.Open(parse.GetValue(folder)!))
                records = store.ReadDataset(Pools[parse.GetValue(pool)!]);
            var chosen = Formats[parse.GetValue(format)!];

            DatasetOutput.Write(records, chosen, parse.GetValue(destination), output);
            return ExitCode.Success;
        }));
        return command;
    }
}
