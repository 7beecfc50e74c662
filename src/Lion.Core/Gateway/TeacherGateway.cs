using System.Collections.Concurrent;
using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// Builds the client each role (teacher, referee, generator) talks through, as a chain of
/// middleware, outermost first:
/// sanitising → durable cache → usage ledger and budget → config refusals → context fitting →
/// retry → rate limit → the endpoint.
/// Replies are cleaned above the cache, so a cached junk reply is cleaned on every replay; the
/// cache comes next so a repeat costs nothing and waits for nothing; the ledger sits where
/// every call is paid; a refusal of the config's own parameters becomes an error naming the config
/// key, never an item's result; a request fitted to the context is still the request the cache
/// keys; retries pass through the rate limiter like any request. Roles on the
/// same endpoint (<see cref="RoleEndpoint"/>: address, model, key, timeout, extra body and headers) share its upstream client
/// and pacer (paced to the first such role's limits, else the settings' limits: providers limit per
/// model), and all share one concurrency cap and one ledger. A batch role's chain is
/// sanitising → durable cache → <see cref="BatchingChatClient"/>, which accounts its lines itself
/// at the batch price; its live chain stands behind it for failed lines when so configured.
/// </summary>
public sealed class TeacherGateway
{
    private readonly GatewaySettings _settings;
    private readonly IGatewayLog _log;
    private readonly Func<Role, IChatClient> _upstream;
    private readonly SemaphoreSlim _concurrency;
    private readonly ConcurrentDictionary<string, RequestPacer> _pacers = new();
    private readonly ConcurrentDictionary<string, IChatClient> _upstreams = new();
    private readonly TimeProvider _time;
    private readonly Func<Role, IBatchApi>? _batchApi;
    private readonly ConcurrentDictionary<Role, BatchingChatClient> _batchers = new();
    private readonly Func<Role, CancellationToken, Task<int?>>? _contextLength;
    private readonly ConcurrentDictionary<string, Lazy<Task<int?>>> _contexts = new();

    /// <param name="upstream">The client a role's requests go to, made once per endpoint identity; by default the settings' endpoint with the role's model.</param>
    /// <param name="batchApi">The Files and Batches endpoints a batch role uses.</param>
    /// <param name="contextLength">The context a role's endpoint reports for its model (null: none), asked once per endpoint identity.</param>
    public TeacherGateway(
        GatewaySettings settings, IGatewayLog log,
        Func<Role, IChatClient>? upstream = null, TimeProvider? time = null, Func<Role, IBatchApi>? batchApi = null,
        Func<Role, CancellationToken, Task<int?>>? contextLength = null)
    {
        _contextLength = contextLength;
        _settings = settings;
        _log = log;
        _batchApi = batchApi;
        _upstream = upstream ?? (role => OpenAiEndpoint.Create(
            settings.Endpoint ?? throw new ArgumentException($"no endpoint is configured for the role \"{role}\"", nameof(role)),
            settings.ModelsByRole[role], role.Name));
        _time = time ?? TimeProvider.System;
        _concurrency = new SemaphoreSlim(settings.Limits.MaxConcurrency);
        Ledger = new UsageLedger(log, settings.Prices, settings.Budget);
    }

    public UsageLedger Ledger { get; }

    public IChatClient For(Role role)
    {
        string name = role.Name;
        if (!_settings.ModelsByRole.TryGetValue(role, out var model))
            throw new ArgumentException($"no model is configured for the role \"{role}\"", nameof(role));

        var estimator = new TokenEstimator(model);
        var endpoint = _settings.EndpointsByRole.TryGetValue(role, out var configured) ? configured
            : _settings.Endpoint is { } shared ? new RoleEndpoint(shared.BaseUrl.ToString(), model, shared.ApiKeyVariable, shared.Timeout)
            : throw new ArgumentException($"no endpoint is configured for the role \"{role}\"", nameof(role));
        string identity = endpoint.Identity;
        var pacer = _pacers.GetOrAdd(identity, _ => new RequestPacer(endpoint.Limits ?? _settings.Limits, _time));
        int maxOutput = _settings.DefaultMaxOutputTokens;

        IChatClient chain = _upstreams.GetOrAdd(identity, _ => _upstream(role));
        chain = new RateLimitingChatClient(chain, pacer, _concurrency, estimator, maxOutput);
        chain = new RetryingChatClient(chain, _settings.Retry, (failure, attempt) => _log.Record(name, model, failure, attempt), _time);
        chain = new ContextFittingChatClient(chain, (_, token) => ContextLength(role, identity, token), estimator,
            (asked, given) => _log.RecordClamp(name, model, asked, given));
        var keys = _settings.ConfigKeysByRole.GetValueOrDefault(role) ?? ConfigKeys.Of(name);
        chain = new ConfigRefusalChatClient(chain, keys);
        chain = new UsageLedgerChatClient(chain, Ledger, name, model, estimator, maxOutput);
        if (_settings.BatchRoles.Contains(role))
        {
            var live = chain;
            // One per role: two would each resume the role's pending batches.
            chain = _batchers.GetOrAdd(role, _ => new BatchingChatClient(
                _batchApi?.Invoke(role) ?? throw new ArgumentException($"the role \"{role}\" is a batch role, but the gateway has no batch endpoint", nameof(role)),
                _log, Ledger, name, model, endpoint.CacheIdentity, maxOutput, _settings.Batch, _settings.Retry, _settings.Batch.RetryLive ? live : null, _time,
                endpoint.Shape.ExtraBody));
            chain = new ConfigRefusalChatClient(chain, keys);
        }
        chain = new DurableCachingChatClient(chain, _log, model, reply => Ledger.RecordCacheHit(name, model, reply), endpoint.CacheIdentity);
        return new SanitizingChatClient(chain);
    }

    /// <summary>The context the role's endpoint reports, asked once per endpoint identity (one that reports none, or cannot be asked, is not asked again).</summary>
    private Task<int?> ContextLength(Role role, string identity, CancellationToken cancellationToken)
    {
        if (_contextLength is null)
            return Task.FromResult<int?>(null);
        var asked = _contexts.GetOrAdd(identity, _ => new Lazy<Task<int?>>(() => _contextLength(role, CancellationToken.None)));
        return asked.Value.WaitAsync(cancellationToken);
    }
}
