using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Loop;
using Lion.Core.Store;
using Lion.Core.Students;
using Lion.Oracle;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Commands;

/// <summary>
/// Wires a run's config to real parts: one teacher gateway (cache, ledger, retry, rate limit)
/// for the three roles, whose upstream is the oracle for endpoint "oracle" and an
/// OpenAI-compatible API otherwise; and the configured student.
/// </summary>
internal static class LoopSetup
{
    public static LoopContext Create(RunStore store, RunConfig config, Action<string> report)
    {
        var gateway = Gateway(store, config, new Dictionary<string, RoleSettings>
        {
            ["teacher"] = config.Teacher,
            ["referee"] = config.Referee,
            ["generator"] = config.Generator,
        });
        return new LoopContext(store, config, gateway.For("teacher"), gateway.For("referee"), gateway.For("generator"),
            Student(store, config, report), report);
    }

    /// <summary>The gateway for the given roles, with the run's limits, prices and budget, its cache and ledger in the run's store.</summary>
    public static TeacherGateway Gateway(RunStore store, RunConfig config, IReadOnlyDictionary<string, RoleSettings> roles)
    {
        bool allLocal = roles.Values.All(r => r.Endpoint == "oracle");
        var oracle = new OracleChatClient(new OracleOptions { Seed = config.RandomSeed, Style = OracleStyleOf(config.Oracle.Style) });

        // Each role reaches its own endpoint with its own key and timeout, whatever its model is called.
        IChatClient Upstream(string name)
        {
            var role = roles[name];
            if (role.Endpoint == "oracle")
                return oracle;
            var endpoint = new EndpointSettings(new Uri(role.Endpoint), role.ApiKeyEnv) { Timeout = TimeSpan.FromSeconds(role.TimeoutSeconds) };
            return OpenAiEndpoint.Create(endpoint, role.Model);
        }

        var first = roles.Values.First();
        var settings = new GatewaySettings(
            new EndpointSettings(new Uri(allLocal ? "http://127.0.0.1/v1" : roles.Values.First(r => r.Endpoint != "oracle").Endpoint), first.ApiKeyEnv),
            roles.ToDictionary(r => r.Key, r => r.Value.Model))
        {
            EndpointsByRole = roles.ToDictionary(r => r.Key, r => new RoleEndpoint(r.Value.Endpoint, r.Value.Model, r.Value.ApiKeyEnv, TimeSpan.FromSeconds(r.Value.TimeoutSeconds))),
            // The oracle is in-process: there is no provider limit to respect.
            Limits = allLocal ? RateLimits.Unlimited
                : new RateLimits(config.Limits.RequestsPerMinute, config.Limits.TokensPerMinute, config.Limits.MaxConcurrency),
            Retry = config.Retry.Settings(),
            Prices = config.Prices.ToDictionary(p => p.Key, p => new ModelPrice(p.Value.InputPerMillion, p.Value.OutputPerMillion)),
            Budget = new Budget(config.Budget.MaxCost, config.Budget.MaxTokens),
        };
        return new TeacherGateway(settings, store, store, store, Upstream);
    }

    /// <summary>The oracle's style as the config names it ("plain", "chatty", "chatty-wrapping").</summary>
    public static OracleStyle OracleStyleOf(string name) => name switch
    {
        "chatty" => OracleStyle.Chatty,
        "chatty-wrapping" => OracleStyle.ChattyWrapping,
        _ => OracleStyle.Plain,
    };

    private static IStudent Student(RunStore store, RunConfig config, Action<string> report) => config.Student.Kind switch
    {
        "simulated" => new SimulatedStudentAdapter(StudentProfile.Default, config.RandomSeed),
        "external" => ExternalStudent.Create(config.Student, config.Concurrency, config.Retry.Settings(), store),
        _ => new Torch.TorchStudent(config.Student, config.RandomSeed, report),
    };
}
