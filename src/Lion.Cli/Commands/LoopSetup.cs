using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Loop;
using Lion.Core.Store;
using Lion.Core.Students;
using Lion.Oracle;

namespace Lion.Cli.Commands;

/// <summary>
/// The parts of a run that live outside Core: the in-process oracle behind the roles whose
/// endpoint is "oracle", and the configured student.
/// </summary>
internal static class LoopSetup
{
    public static LoopContext Create(RunStore store, RunConfig config, Action<string> report)
    {
        var gateway = Gateway(store, config, RunGateway.LoopRoles(config));
        return new LoopContext(store, config, gateway.For("teacher"), gateway.For("referee"), gateway.For("generator"),
            Student(store, config, report), report);
    }

    /// <summary>The gateway for the given roles, its records in the run's store.</summary>
    public static TeacherGateway Gateway(RunStore store, RunConfig config, IReadOnlyDictionary<string, RoleSettings> roles) =>
        RunGateway.Create(config, store.Gateway, roles, () => new OracleChatClient(new OracleOptions { Seed = config.RandomSeed, Style = config.Oracle.Style, EasyMove = config.Oracle.EasyMove }));

    private static IStudent Student(RunStore store, RunConfig config, Action<string> report) => config.Student.Runs switch
    {
        StudentKind.Simulated => new SimulatedStudentAdapter(StudentProfile.Default, config.RandomSeed),
        StudentKind.External => ExternalStudent.Create(config.Student, config.Concurrency, config.Retry.Settings(), store.Gateway, store.Folder, report),
        _ => new Torch.TorchStudent(config.Student, config.RandomSeed, report),
    };
}
