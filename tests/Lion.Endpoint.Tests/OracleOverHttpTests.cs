using System.ClientModel;
using Lion.Endpoint;
using Lion.Core.Prompts;
using Lion.Oracle;
using Lion.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Lion.Endpoint.Tests;

/// <summary>The oracle's three roles through the endpoint, as any OpenAI client sees them.</summary>
public sealed class OracleOverHttpTests : IAsyncLifetime
{
    private TestEndpoint _server = null!;
    private ChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["lion-oracle"] });
        _client = new ChatClient("lion-oracle", new ApiKeyCredential("unused"),
            new OpenAIClientOptions { Endpoint = _server.BaseUrl, RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> Send(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages)
    {
        var converted = messages.Select(m => m.Role == Microsoft.Extensions.AI.ChatRole.System
            ? (OpenAI.Chat.ChatMessage)new SystemChatMessage(m.Text)
            : new UserChatMessage(m.Text));
        return (await _client.CompleteChatAsync(converted)).Value.Content[0].Text;
    }

    [Fact]
    public async Task The_teacher_answers_in_the_student_format()
    {
        string answer = (await _client.CompleteChatAsync([new UserChatMessage(StudentPrompt.Format("I have a cat, and two fish. How many animals do I have?"))])).Value.Content[0].Text;

        Assert.Equal("3", answer);
    }

    [Fact]
    public async Task The_referee_replies_in_the_format_the_loop_parses()
    {
        string reply = await Send(RefereePrompt.Build("not ( True ) and ( True ) is", "True", "False"));

        Assert.True(RefereeReply.TryParse(reply, out double first, out double second, out _));
        Assert.True(second > first);
    }

    [Fact]
    public async Task The_generator_writes_a_new_item_of_the_seeds_family()
    {
        string made = await Send(GeneratorPrompt.Build("Question: Ann lies. Bob says Ann lies. Does Bob tell the truth?", GenerationKind.Hard));

        Assert.Equal("web_of_lies", Oracle.Oracle.Solve(made).Shape.Family);
    }

    [Fact]
    public async Task A_question_the_oracle_cannot_read_is_a_400_not_a_guess()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => _client.CompleteChatAsync([new UserChatMessage("Write a poem.")]));

        Assert.Equal(400, error.Status);
    }
}
