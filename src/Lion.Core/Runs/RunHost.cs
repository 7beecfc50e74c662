using Lion.Core.Config;
using Lion.Core.Store;
using Lion.Core.Students;
using Microsoft.Extensions.AI;

namespace Lion.Core.Runs;

/// <summary>
/// What the program hosting a run supplies that Core does not hold: the offline oracle behind the
/// roles whose endpoint is "oracle", and the student the config names.
/// </summary>
public sealed record RunHost(Func<RunConfig, IChatClient> Oracle, Func<StudentSetup, IStudent> Student);

/// <summary>What a student is built from: the run's config and store, and where it reports (its training, say).</summary>
public sealed record StudentSetup(RunConfig Config, RunStore Store, Action<string> Report);
