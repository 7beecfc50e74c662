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
        ["dpo"] = ExportFormat.Dpo,
        ["messages"] = ExportFormat.Messages,
        ["dpo-messages"] = ExportFormat.DpoMessages,
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
        var all = new Option<bool>("--all")
        {
            Description = "alpaca, sharegpt and messages: include instructions not answered yet (or cut off, or empty) too, without an answer; " +
                          "never those the endpoint refused (jsonl always has every record, with its state).",
        };
        var datasetInfo = new Option<bool>("--dataset-info")
        {
            Description = "Also write LLaMA-Factory's dataset_info.json entry for the file beside it (needs --to).",
        };

        var command = new Command("export",
            "Export a run's instructions and answers as Alpaca JSON, ShareGPT JSON, conversations (messages, JSON Lines) or JSON Lines with provenance, " +
            "or its hard verdicts as DPO preference pairs (dpo, or dpo-messages for TRL).")
        {
            folder, format, pool, destination, all, datasetInfo,
        };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            var chosen = Formats[parse.GetValue(format)!];
            var selection = Pools[parse.GetValue(pool)!];
            string? to = parse.GetValue(destination);
            if (parse.GetValue(datasetInfo) && to is null)
                throw new Core.BadInputException("--dataset-info writes beside the exported file: give --to FILE");
            if (parse.GetValue(datasetInfo) && chosen is ExportFormat.JsonLines or ExportFormat.DpoMessages)
                DatasetInfo.Write(to!, chosen); // refuses, naming the format to register instead
            using (var store = RunStore.Open(parse.GetValue(folder)!))
            {
                if (chosen is ExportFormat.Dpo or ExportFormat.DpoMessages)
                    DatasetOutput.WritePairs(store.Datasets.ReadPreferencePairs(selection), chosen, to, output);
                else
                    DatasetOutput.Write(Chosen(store.Datasets.ReadDataset(selection, withProvenance: chosen == ExportFormat.JsonLines), chosen, parse.GetValue(all)),
                        chosen, to, output);
            }
            if (parse.GetValue(datasetInfo))
                parse.InvocationConfiguration.Error.WriteLine($"Wrote the entry \"{Path.GetFileNameWithoutExtension(to)}\" in {DatasetInfo.Write(to!, chosen)}");
            return ExitCode.Success;
        }));
        return command;
    }

    /// <summary>
    /// What a trainer can use: records with an answer; with --all also those without one yet, never
    /// those refused. JSON Lines is the run's record and keeps every instruction, with its state.
    /// </summary>
    private static IEnumerable<DatasetRecord> Chosen(IReadOnlyList<DatasetRecord> records, ExportFormat format, bool all) =>
        format == ExportFormat.JsonLines ? records
        : all ? records.Where(r => r.State is not (AnswerState.Refused or AnswerState.ContentFiltered))
        : records.Where(r => r.IsTrainable);
}
