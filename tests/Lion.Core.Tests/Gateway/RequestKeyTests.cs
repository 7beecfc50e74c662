using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Gateway;

public sealed class RequestKeyTests
{
    private static readonly ChatMessage[] Question = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Why is the sky blue?")];

    [Fact]
    public void Equal_requests_have_equal_keys()
    {
        var first = RequestKey.Of("gpt-x", Question, new ChatOptions { Temperature = 0.7f, MaxOutputTokens = 1024 });
        var second = RequestKey.Of("gpt-x", Question.ToList(), new ChatOptions { MaxOutputTokens = 1024, Temperature = 0.7f });

        Assert.Equal(first, second);
    }

    public static TheoryData<string, ChatMessage[], ChatOptions?> Variants => new()
    {
        { "gpt-y", Question, new ChatOptions { Temperature = 0.7f } },
        { "gpt-x", Question, new ChatOptions { Temperature = 0.2f } },
        { "gpt-x", Question, new ChatOptions { Temperature = 0.7f, MaxOutputTokens = 512 } },
        { "gpt-x", Question, new ChatOptions { Temperature = 0.7f, Seed = 1 } },
        { "gpt-x", Question, new ChatOptions { Temperature = 0.7f, StopSequences = ["\n"] } },
        { "gpt-x", Question, null },
        { "gpt-x", [new(ChatRole.User, "Be brief."), new(ChatRole.User, "Why is the sky blue?")], new ChatOptions { Temperature = 0.7f } },
        { "gpt-x", [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Why is the sky blue? ")], new ChatOptions { Temperature = 0.7f } },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Anything_that_changes_the_answer_changes_the_key(string model, ChatMessage[] messages, ChatOptions? options)
    {
        var baseline = RequestKey.Of("gpt-x", Question, new ChatOptions { Temperature = 0.7f });

        Assert.NotEqual(baseline.Key, RequestKey.Of(model, messages, options).Key);
    }

    [Fact]
    public void The_stored_request_is_readable_json_without_secrets()
    {
        var (_, json) = RequestKey.Of("gpt-x", Question, new ChatOptions { Temperature = 0.5f });

        Assert.Equal(
            """{"model":"gpt-x","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Why is the sky blue?"}],"temperature":0.5}""",
            json);
    }
}
