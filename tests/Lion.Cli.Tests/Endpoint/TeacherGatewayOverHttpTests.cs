using System.Diagnostics;
using System.Text;
using Lion.Core;
using Lion.Endpoint;
using Lion.Core.Gateway;
using Lion.Testing;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Tests.Endpoint;

public sealed class TeacherGatewayOverHttpTests
{
    [Theory]
    [InlineData(FaultKind.RateLimited, "RateLimited")]
    [InlineData(FaultKind.ServerError, "ServerError")]
    [InlineData(FaultKind.Unavailable, "ServerError")]
    [InlineData(FaultKind.Hang, "Timeout")]
    [InlineData(FaultKind.DropConnection, "ConnectionLost")]
    [InlineData(FaultKind.MalformedJson, "MalformedReply")]
    public async Task A_retryable_failure_is_retried_recorded_and_answered(FaultKind fault, string recordedKind)
    {
        await using var run = await GatewayFixture.StartAsync(new FaultPlan { Script = [fault], RetryAfter = TimeSpan.FromMilliseconds(50) });
        var teacher = run.Gateway(timeout: fault == FaultKind.Hang ? TimeSpan.FromMilliseconds(800) : null).For(Role.Teacher);

        var answer = await teacher.GetResponseAsync(GatewayFixture.Ask("What is two plus two?"));

        Assert.Equal("echo: What is two plus two?", answer.Text);
        Assert.Equal(2, run.Server.Log.Received);
        Assert.Equal(new Dictionary<string, int> { [recordedKind] = 1 }, run.Store.Summary.Overview().RemoteFailuresByKind);
    }

    [Fact]
    public async Task A_429_waits_as_long_as_retry_after_says()
    {
        await using var run = await GatewayFixture.StartAsync(new FaultPlan { Script = [FaultKind.RateLimited], RetryAfter = TimeSpan.FromMilliseconds(600) });
        var teacher = run.Gateway().For(Role.Teacher);

        var clock = Stopwatch.StartNew();
        await teacher.GetResponseAsync(GatewayFixture.Ask("Patience?"));

        Assert.InRange(clock.Elapsed.TotalMilliseconds, 600, 5000);
    }

    [Theory]
    [InlineData(FaultKind.EmptyContent, "empty")]
    [InlineData(FaultKind.Truncated, "length")]
    public async Task An_empty_or_truncated_answer_is_stored_and_surfaced_not_retried(FaultKind fault, string flag)
    {
        await using var run = await GatewayFixture.StartAsync(new FaultPlan { Script = [fault] });
        var teacher = run.Gateway().For(Role.Teacher);

        var first = await teacher.GetResponseAsync(GatewayFixture.Ask("Tell me a long story about lions."));
        var again = await teacher.GetResponseAsync(GatewayFixture.Ask("Tell me a long story about lions."));

        Assert.Equal(flag, first.AdditionalProperties![CachedReply.IncompleteProperty]);
        Assert.Equal(flag, again.AdditionalProperties![CachedReply.IncompleteProperty]);
        Assert.Equal(1, run.Server.Log.Received);
    }

    [Fact]
    public async Task A_refused_key_fails_at_once_and_stops_the_run()
    {
        await using var run = await GatewayFixture.StartAsync(serverKey: "sk-right", clientKey: "sk-wrong");
        var teacher = run.Gateway().For(Role.Teacher);

        var error = await Assert.ThrowsAsync<RemoteRequestException>(() => teacher.GetResponseAsync(GatewayFixture.Ask("Hi?")));

        Assert.True(error.StopsTheRun);
        Assert.Equal(RemoteFailureKind.Unauthorized, error.Failure.Kind);
        Assert.Contains("Incorrect API key", error.Message);
        Assert.Equal(1, run.Server.Log.Received);
    }

    [Fact]
    public async Task A_refused_parameter_fails_at_once_naming_its_config_key_and_the_servers_message()
    {
        await using var run = await GatewayFixture.StartAsync();
        var teacher = run.Gateway().For(Role.Teacher);

        var error = await Assert.ThrowsAsync<ConfigRefusedException>(() =>
            teacher.GetResponseAsync(GatewayFixture.Ask("Hi?"), new ChatOptions { Temperature = 3 }));

        Assert.Equal(RemoteFailureKind.ConfigRejected, error.Failure.Kind);
        Assert.Equal("teacher.temperature", error.ConfigKey);
        Assert.Contains("temperature must be a number from 0 to 2", error.Message);
        Assert.Equal(1, run.Server.Log.Received);
    }

    [Fact]
    public async Task Retries_are_bounded_and_every_failed_attempt_is_recorded()
    {
        await using var run = await GatewayFixture.StartAsync(new FaultPlan { ServerError = 1.0 });
        var teacher = run.Gateway().For(Role.Teacher);

        var error = await Assert.ThrowsAsync<RemoteRequestException>(() => teacher.GetResponseAsync(GatewayFixture.Ask("Hi?")));

        Assert.StartsWith("gave up after 4 attempts", error.Message);
        Assert.Equal(4, run.Server.Log.Received);
        Assert.Equal(4, run.Store.Summary.Overview().RemoteFailuresByKind["ServerError"]);
        Assert.Equal(0, run.Store.Summary.Overview().Usage.Requests);
    }

    [Fact]
    public async Task After_a_restart_the_same_requests_make_no_upstream_calls()
    {
        await using var run = await GatewayFixture.StartAsync();
        var questions = Enumerable.Range(0, 20).Select(i => GatewayFixture.Ask($"Question {i}?")).ToList();
        var options = new ChatOptions { Temperature = 0.7f, MaxOutputTokens = 64 };
        var before = await Task.WhenAll(questions.Select(q => run.Gateway().For(Role.Teacher).GetResponseAsync(q, options)));
        int receivedBefore = run.Server.Log.Received;

        run.Restart();
        var teacher = run.Gateway().For(Role.Teacher);
        var after = await Task.WhenAll(questions.Select(q => teacher.GetResponseAsync(q, options)));

        Assert.Equal(receivedBefore, run.Server.Log.Received);
        Assert.Equal(before.Select(a => a.Text), after.Select(a => a.Text));
        var usage = run.Store.Summary.Overview().Usage;
        Assert.Equal((20, 20), (usage.Requests, usage.CachedHits));
    }

    [Fact]
    public async Task Identical_requests_in_flight_together_reach_the_server_once()
    {
        await using var run = await GatewayFixture.StartAsync(new FaultPlan
        {
            MinLatency = TimeSpan.FromMilliseconds(300), MaxLatency = TimeSpan.FromMilliseconds(300),
        });
        var teacher = run.Gateway().For(Role.Teacher);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => teacher.GetResponseAsync(GatewayFixture.Ask("Same?"))));

        Assert.Equal(1, run.Server.Log.Received);
        Assert.All(answers, a => Assert.Equal("echo: Same?", a.Text));
    }

    [Fact]
    public async Task The_budget_stops_requests_before_it_is_exceeded()
    {
        await using var run = await GatewayFixture.StartAsync();
        // A 30-token request (prompt estimate plus max 20 output tokens) costs at most 0.03; the budget allows three.
        var gateway = run.Gateway(settings => settings with
        {
            Prices = new Dictionary<string, ModelPrice> { ["echo"] = new ModelPrice(1000, 1000) },
            Budget = new Budget(MaxCost: 0.1),
        });
        var teacher = gateway.For(Role.Teacher);
        var options = new ChatOptions { MaxOutputTokens = 20 };

        int answered = 0;
        var stop = await Assert.ThrowsAsync<BudgetExceededException>(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await teacher.GetResponseAsync(GatewayFixture.Ask($"Q{i}"), options);
                answered++;
            }
        });

        Assert.InRange(answered, 1, 99);
        Assert.Equal(answered, run.Server.Log.Received);
        Assert.True(gateway.Ledger.PaidCost <= 0.1, $"paid {gateway.Ledger.PaidCost}");
        Assert.Contains("budget of 0.1 would be exceeded", stop.Message);
    }

    [Fact]
    public async Task Under_random_faults_nothing_is_lost_and_nothing_is_asked_twice()
    {
        await using var run = await GatewayFixture.StartAsync(new FaultPlan
        {
            RateLimited = 0.08, ServerError = 0.06, Unavailable = 0.04, DropConnection = 0.04, MalformedJson = 0.04,
            RetryAfter = TimeSpan.FromMilliseconds(30), Seed = 7,
        });
        var teacher = run.Gateway(settings => settings with { Retry = settings.Retry with { MaxAttempts = 8 } }).For(Role.Teacher);

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => teacher.GetResponseAsync(GatewayFixture.Ask($"Item {i}"))));

        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"echo: Item {i}"), answers.Select(a => a.Text));
        Assert.Equal(0, run.Server.Log.RepeatsOfAnswered);
        Assert.Equal(60, run.Server.Log.DistinctAnswered);
        Assert.True(run.Server.Log.Received > 60, "the plan should have injected some faults");
    }

    [Fact]
    public async Task The_api_key_never_reaches_the_run_folder()
    {
        string secret = $"sk-lion-secret-{Guid.NewGuid():N}";
        await using var run = await GatewayFixture.StartAsync(new FaultPlan { Script = [FaultKind.ServerError, FaultKind.RateLimited] }, serverKey: secret);
        var teacher = run.Gateway().For(Role.Teacher);
        for (int i = 0; i < 5; i++)
            await teacher.GetResponseAsync(GatewayFixture.Ask($"Question {i}"));
        run.Restart();
        Assert.Equal(0, LionInvocation.Run("export", "--out", run.RunPath, "--format", "jsonl", "--to", Path.Combine(run.RunPath, "export.jsonl")).ExitCode);
        var status = LionInvocation.Run("status", "--out", run.RunPath, "--json");
        run.Store.Dispose();

        byte[] needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.GetFiles(run.RunPath, "*", SearchOption.AllDirectories))
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{file} holds the API key");
        Assert.DoesNotContain(secret, status.Output);
    }
}
