using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Runs;
using Lion.Core.Store;
using Lion.Core.Students;
using Lion.Oracle;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Commands;

/// <summary>
/// What the command line brings to a run that Core does not hold: the in-process oracle behind
/// the roles whose endpoint is "oracle", and the student the config names.
/// </summary>
internal static class CommandLineHost
{
    public static RunHost Run { get; } = new(Oracle, Student);

    /// <summary>The gateway for the given roles (an evaluation's, say), its records in the run's store.</summary>
    public static TeacherGateway Gateway(RunStore store, RunConfig config, IReadOnlyDictionary<Role, RoleSettings> roles) =>
        RunGateway.Create(config, store.Gateway, roles, () => Oracle(config));

    private static IChatClient Oracle(RunConfig config) =>
        new OracleChatClient(new OracleOptions { Seed = config.RandomSeed, Style = config.Oracle.Style, EasyMove = config.Oracle.EasyMove });

    private static IStudent Student(StudentSetup setup) => setup.Config.Student.Runs switch
    {
        StudentKind.Simulated => new SimulatedStudentAdapter(StudentProfile.Default, setup.Config.RandomSeed),
        StudentKind.External => ExternalStudent.Create(setup.Config.Student, setup.Config.Concurrency, setup.Config.Retry.Settings(),
            setup.Store.Gateway, setup.Store.Folder, setup.Report),
        _ => new Torch.TorchStudent(setup.Config.Student, setup.Config.RandomSeed, setup.Report, StudentKernels.FromEnvironment()),
    };
}
