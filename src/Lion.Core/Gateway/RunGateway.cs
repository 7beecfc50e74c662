using Lion.Core.Config;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// The teacher gateway a run's config describes: each role reaches its own endpoint (the
/// built-in oracle, or an OpenAI-compatible API with its key, timeout and limits) whatever its
/// model is called, with the run's retries, prices and budget, and keeps answers, usage and
/// failures in the run's log.
/// </summary>
public static class RunGateway
{
    /// <summary>The loop's three roles as the config names them.</summary>
    public static IReadOnlyDictionary<string, RoleSettings> LoopRoles(RunConfig config) => new Dictionary<string, RoleSettings>
    {
        ["teacher"] = config.Teacher,
        ["referee"] = config.Referee,
        ["generator"] = config.Generator,
    };

    /// <param name="oracle">Makes the in-process oracle, once, for the roles whose endpoint is "oracle".</param>
    public static TeacherGateway Create(RunConfig config, IGatewayLog log, IReadOnlyDictionary<string, RoleSettings> roles, Func<IChatClient> oracle)
    {
        var local = new Lazy<IChatClient>(oracle);
        IChatClient Upstream(string name)
        {
            var role = roles[name];
            return role.IsOracle ? local.Value : OpenAiEndpoint.Create(Endpoint(role), role.Model);
        }

        var shared = config.Limits is { } given ? Limits(given)
            : roles.Values.All(r => config.LimitsFor(r) is null) ? RateLimits.Unlimited : new RateLimits();
        var settings = new GatewaySettings(null, roles.ToDictionary(r => r.Key, r => r.Value.Model))
        {
            EndpointsByRole = roles.ToDictionary(r => r.Key, r => new RoleEndpoint(r.Value.Endpoint, r.Value.Model, r.Value.ApiKeyEnv,
                TimeSpan.FromSeconds(r.Value.TimeoutSeconds), config.LimitsFor(r.Value) is { } limits ? Limits(limits) : RateLimits.Unlimited)),
            Limits = shared,
            Retry = config.Retry.Settings(),
            Prices = config.Prices.ToDictionary(p => p.Key, p => new ModelPrice(p.Value.InputPerMillion, p.Value.OutputPerMillion)),
            Budget = new Budget(config.Budget.MaxCost, config.Budget.MaxTokens),
        };
        return new TeacherGateway(settings, log, Upstream);
    }

    private static EndpointSettings Endpoint(RoleSettings role) =>
        new(new Uri(role.Endpoint), role.ApiKeyEnv) { Timeout = TimeSpan.FromSeconds(role.TimeoutSeconds) };

    private static RateLimits Limits(LimitSettings limits) => new(limits.RequestsPerMinute, limits.TokensPerMinute, limits.MaxConcurrency);
}
