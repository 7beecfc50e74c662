using System.CommandLine;
using Lion.Cli.Commands;

namespace Lion.Cli;

/// <summary>The `lion` command line: the root and its subcommands.</summary>
public static class LionCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "lion: distil a proprietary chat model into a small open student by adversarial distillation (Lion, EMNLP 2023).");
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(BatchCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(NoveltyCommand.Create());
        root.Subcommands.Add(OracleCommand.Create());
        return root;
    }
}
