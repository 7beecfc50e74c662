using System.CommandLine;
using Lion.Cli.Report;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>`lion report`: the run as one HTML page with plots, in DIR/report.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var folder = RunFolderOption.Create();
        var command = new Command("report", "Write an HTML report with PNG plots of a run into DIR/report.") { folder };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            using var store = RunStore.Open(parse.GetValue(folder)!);
            output.WriteLine($"Wrote {RunReport.Write(store)}");
            return ExitCode.Success;
        }));
        return command;
    }
}
