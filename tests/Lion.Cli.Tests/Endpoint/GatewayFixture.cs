using Lion.Core;
using Lion.Endpoint;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Store;
using Lion.Testing;
using Lion.Tests;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Tests.Endpoint;

/// <summary>
/// A run store and a teacher gateway talking real HTTP to the project's endpoint, which serves
/// the echo model and injects the faults a test asks for.
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private GatewayFixture(TempFolder folder, TestEndpoint server, string keyVariable)
    {
        Folder = folder;
        Server = server;
        KeyVariable = keyVariable;
        Store = RunStore.Open(RunPath);
    }

    public TempFolder Folder { get; }

    public TestEndpoint Server { get; }

    public string KeyVariable { get; }

    public RunStore Store { get; private set; }

    public string RunPath => Folder.File("run");

    public static readonly RetrySettings FastRetries = new()
    {
        MaxAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Starts the endpoint; its key, when set, is also put in a fresh environment variable for the gateway.</summary>
    public static async Task<GatewayFixture> StartAsync(FaultPlan? faults = null, string? serverKey = null, string? clientKey = null)
    {
        var folder = new TempFolder();
        RunFolder.Create(folder.File("run"), new SeedFile("seeds.txt", SeedFormat.PlainText, [new InstructionRecord("Seed.")]), new RunSetup());
        var server = await TestEndpoint.StartAsync(new EchoChatClient(),
            new ChatServerOptions { Models = ["echo"], ApiKey = serverKey }, faults);
        string variable = $"LION_TEST_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, clientKey ?? serverKey);
        return new GatewayFixture(folder, server, variable);
    }

    /// <summary>
    /// A gateway to the endpoint. Requests may take <paramref name="timeout"/> (default 5 s: a
    /// loaded test machine must not turn a slow echo into a retry); tests of hanging servers pass less.
    /// </summary>
    public TeacherGateway Gateway(Func<GatewaySettings, GatewaySettings>? adjust = null, TimeSpan? timeout = null)
    {
        var settings = new GatewaySettings(
            new EndpointSettings(Server.BaseUrl, KeyVariable) { Timeout = timeout ?? TimeSpan.FromSeconds(5) },
            new Dictionary<Role, string> { [Role.Teacher] = "echo", [Role.Referee] = "echo" })
        {
            Retry = FastRetries,
            Limits = new RateLimits(RequestsPerMinute: 60_000, TokensPerMinute: 100_000_000, MaxConcurrency: 32),
        };
        settings = adjust?.Invoke(settings) ?? settings;
        return new TeacherGateway(settings, Store.Gateway);
    }

    public static ChatMessage[] Ask(string text) => [new(ChatRole.User, text)];

    /// <summary>Closes and reopens the store, as a new process would.</summary>
    public void Restart()
    {
        Store.Dispose();
        Store = RunStore.Open(RunPath);
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, null);
        Store.Dispose();
        await Server.DisposeAsync();
        Folder.Dispose();
    }
}
