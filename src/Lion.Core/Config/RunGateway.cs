using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Config;

/// <summary>
/// The teacher gateway a run's config describes: each role reaches its own endpoint (the
/// built-in oracle, or an OpenAI-compatible API with its key, timeout and limits) whatever its
/// model is called, with the run's retries, prices and budget, and keeps answers, usage and
/// failures in the run's log.
/// </summary>
public static class RunGateway
{
    /// <summary>The loop's three roles as the config names them.</summary>
    public static IReadOnlyDictionary<Role, RoleSettings> LoopRoles(RunConfig config) => Role.Loop.ToDictionary(role => role, config.Settings);

    /// <param name="oracle">Makes the in-process oracle, once, for the roles whose endpoint is "oracle".</param>
    /// <exception cref="BadInputException">A role names a key variable that is not set: checked before anything is asked.</exception>
    public static TeacherGateway Create(RunConfig config, IGatewayLog log, IReadOnlyDictionary<Role, RoleSettings> roles, Func<IChatClient> oracle)
    {
        CheckKeys(roles);
        var local = new Lazy<IChatClient>(oracle);
        IChatClient Upstream(Role name)
        {
            var role = roles[name];
            return role.IsOracle ? local.Value : OpenAiEndpoint.Create(Endpoint(role), role.Model, name.Name);
        }

        var shared = config.Limits is { } given ? Limits(given)
            : roles.Values.All(r => config.LimitsFor(r) is null) ? RateLimits.Unlimited : new RateLimits();
        var settings = new GatewaySettings(null, roles.ToDictionary(r => r.Key, r => r.Value.Model))
        {
            EndpointsByRole = roles.ToDictionary(r => r.Key, r => new RoleEndpoint(r.Value.Endpoint, r.Value.Model, r.Value.KeyVariable,
                TimeSpan.FromSeconds(r.Value.TimeoutSeconds), config.LimitsFor(r.Value) is { } limits ? Limits(limits) : RateLimits.Unlimited)
            {
                Shape = Shape(r.Value),
            }),
            ConfigKeysByRole = roles.ToDictionary(r => r.Key, r => new ConfigKeys(r.Key.Name,
                (r.Value.ExtraBody?.Keys ?? Enumerable.Empty<string>()).ToHashSet(), r.Value.MaxTokensPerSeedWord > 0)),
            Limits = shared,
            Retry = config.Retry.Settings(),
            Prices = config.Prices.ToDictionary(p => p.Key, p => Price(p.Value, config.Batch.Discount)),
            Budget = new Budget(config.Budget.MaxCost, config.Budget.MaxTokens),
            BatchRoles = roles.Where(r => r.Value.Batch && !r.Value.IsOracle).Select(r => r.Key).ToHashSet(),
            Batch = new BatchOptions
            {
                Collect = TimeSpan.FromSeconds(config.Batch.CollectSeconds),
                MaxLines = config.Batch.MaxLines,
                MaxBytes = config.Batch.MaxBytes,
                Poll = TimeSpan.FromSeconds(config.Batch.PollSeconds),
                MaxPoll = TimeSpan.FromSeconds(config.Batch.MaxPollSeconds),
                CompletionWindow = config.Batch.CompletionWindow,
                RetryLive = config.Batch.RetryFailed == BatchRetry.Live,
                MaxAttempts = config.Batch.MaxAttempts,
            },
        };
        return new TeacherGateway(settings, log, Upstream, batchApi: name => new OpenAiBatchApi(Endpoint(roles[name]), name.Name),
            contextLength: (name, token) => roles[name].IsOracle ? Task.FromResult<int?>(null)
                : EndpointModels.ContextLengthAsync(Endpoint(roles[name]), roles[name].Model, name.Name, token));
    }

    /// <summary>Every key variable a role names is set: a run is refused before it asks anything, or makes anything.</summary>
    public static void CheckKeys(IReadOnlyDictionary<Role, RoleSettings> roles)
    {
        foreach (var (name, role) in roles)
            if (!role.IsOracle && role.ApiKeyEnv is { } variable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
                throw new BadInputException($"{name}.api_key_env: the environment variable {variable} is not set (or is empty); " +
                                            "export the key in it, or leave api_key_env out for a server that needs no key");
    }

    /// <summary>The Files and Batches endpoints of a role's provider, with its key, headers and timeout.</summary>
    public static IBatchApi BatchApi(RoleSettings role, string name) => new OpenAiBatchApi(Endpoint(role), name);

    /// <summary>A model's live price, and its batch price: the one given, else the live one times the discount.</summary>
    public static ModelPrice Price(PriceSettings price, double discount) => new(price.InputPerMillion, price.OutputPerMillion)
    {
        Batch = new ModelPrice(price.BatchInputPerMillion ?? price.InputPerMillion * discount, price.BatchOutputPerMillion ?? price.OutputPerMillion * discount),
    };

    private static EndpointSettings Endpoint(RoleSettings role) =>
        EndpointSettings.For(role.Endpoint, role.KeyVariable, TimeSpan.FromSeconds(role.TimeoutSeconds), Shape(role));

    /// <summary>What the role's requests carry beyond the chat options: its extra body and headers.</summary>
    public static RequestShape Shape(RoleSettings role) => new()
    {
        ExtraBody = role.ExtraBody ?? new Dictionary<string, System.Text.Json.JsonElement>(),
        Headers = role.Headers ?? new Dictionary<string, string>(),
    };

    private static RateLimits Limits(LimitSettings limits) => new(limits.RequestsPerMinute, limits.TokensPerMinute, limits.MaxConcurrency);
}
