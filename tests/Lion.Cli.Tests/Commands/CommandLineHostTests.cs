using Lion.Core;
using Lion.Cli.Commands;
using Lion.Endpoint;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Testing;
using Lion.Tests;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Tests.Commands;

public sealed class CommandLineHostTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Roles_with_one_model_name_and_two_endpoints_each_reach_their_own_server_with_their_own_key()
    {
        string teacherKey = $"LION_TEST_TEACHER_{Guid.NewGuid():N}", refereeKey = $"LION_TEST_REFEREE_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(teacherKey, "sk-teacher");
        Environment.SetEnvironmentVariable(refereeKey, "sk-referee");
        try
        {
            await using var teacherServer = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["same-name"], ApiKey = "sk-teacher" });
            await using var refereeServer = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["same-name"], ApiKey = "sk-referee" });
            var config = new RunConfig
            {
                Teacher = new RoleSettings { Endpoint = teacherServer.BaseUrl.ToString(), Model = "same-name", ApiKeyEnv = teacherKey },
                Referee = new RoleSettings { Endpoint = refereeServer.BaseUrl.ToString(), Model = "same-name", ApiKeyEnv = refereeKey, TimeoutSeconds = 30 },
            };
            RunFolder.Create(_folder.File("run"), new SeedFile("none", SeedFormat.JsonLines, []), new RunSetup());
            using var store = RunStore.Open(_folder.File("run"));
            var gateway = CommandLineHost.Gateway(store, config, new Dictionary<Role, RoleSettings> { [Role.Teacher] = config.Teacher, [Role.Referee] = config.Referee });

            await gateway.For(Role.Teacher).GetResponseAsync([new ChatMessage(ChatRole.User, "teach")], new ChatOptions { ModelId = "same-name" });
            await gateway.For(Role.Referee).GetResponseAsync([new ChatMessage(ChatRole.User, "judge")], new ChatOptions { ModelId = "same-name" });

            Assert.Equal((1, 1), (teacherServer.Log.Received, refereeServer.Log.Received));
            Assert.Empty(store.Summary.Overview().RemoteFailuresByKind);
        }
        finally
        {
            Environment.SetEnvironmentVariable(teacherKey, null);
            Environment.SetEnvironmentVariable(refereeKey, null);
        }
    }

    [Fact]
    public async Task The_same_request_to_two_endpoints_with_one_model_name_is_paid_to_each_not_answered_from_the_others_cache()
    {
        await using var first = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["same-name"] });
        await using var second = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["same-name"] });
        var config = new RunConfig
        {
            Teacher = new RoleSettings { Endpoint = first.BaseUrl.ToString(), Model = "same-name" },
            Referee = new RoleSettings { Endpoint = second.BaseUrl.ToString(), Model = "same-name" },
        };
        RunFolder.Create(_folder.File("run"), new SeedFile("none", SeedFormat.JsonLines, []), new RunSetup());
        using var store = RunStore.Open(_folder.File("run"));
        var gateway = CommandLineHost.Gateway(store, config, new Dictionary<Role, RoleSettings> { [Role.Teacher] = config.Teacher, [Role.Referee] = config.Referee });
        var options = new ChatOptions { ModelId = "same-name" };

        await gateway.For(Role.Teacher).GetResponseAsync([new ChatMessage(ChatRole.User, "the same question")], options);
        await gateway.For(Role.Referee).GetResponseAsync([new ChatMessage(ChatRole.User, "the same question")], options);
        await gateway.For(Role.Referee).GetResponseAsync([new ChatMessage(ChatRole.User, "the same question")], options);

        Assert.Equal((1, 1), (first.Log.Received, second.Log.Received));
    }
}
