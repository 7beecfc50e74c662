using System.Text.Json;
using Lion.Core.Config;
using Lion.Core.Gateway;

namespace Lion.Core.Tests.Gateway;

/// <summary>What keys a role's cached answers and refusals: who answers, and every field that changes the answer.</summary>
public sealed class RoleEndpointTests
{
    private static Dictionary<string, JsonElement> Body(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private static RoleEndpoint Endpoint(string? extraBody = null, string? header = null) =>
        new("https://api.example.com/v1", "m", "KEY", TimeSpan.FromSeconds(30))
        {
            Shape = new RequestShape
            {
                ExtraBody = extraBody is null ? new Dictionary<string, JsonElement>() : Body(extraBody),
                Headers = header is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["X-Team"] = header },
            },
        };

    [Fact]
    public void The_extra_body_is_part_of_the_cache_identity_in_any_field_order()
    {
        Assert.NotEqual(Endpoint().CacheIdentity, Endpoint("""{"reasoning_effort": "low"}""").CacheIdentity);
        Assert.NotEqual(Endpoint("""{"reasoning_effort": "low"}""").CacheIdentity, Endpoint("""{"reasoning_effort": "high"}""").CacheIdentity);
        Assert.Equal(Endpoint("""{"a": 1, "b": {"c": true}}""").CacheIdentity, Endpoint("""{"b": {"c": true}, "a": 1}""").CacheIdentity);
    }

    [Fact]
    public void Without_an_extra_body_the_cache_identity_is_the_one_stores_already_hold()
    {
        Assert.Equal("https://api.example.com/v1 m", Endpoint().CacheIdentity);
    }

    [Fact]
    public void Headers_pick_the_upstream_client_but_not_the_cache_key()
    {
        Assert.Equal(Endpoint(header: "TEAM_A").CacheIdentity, Endpoint(header: "TEAM_B").CacheIdentity);
        Assert.NotEqual(Endpoint(header: "TEAM_A").Identity, Endpoint(header: "TEAM_B").Identity);
    }

    [Fact]
    public void A_refusal_is_kept_under_the_parameters_that_change_the_answer_and_only_those()
    {
        var role = new RoleSettings { Endpoint = "https://api.example.com/v1", Model = "m", Temperature = 0.7 };

        Assert.Equal(RequestFingerprint.Of(role), RequestFingerprint.Of(role with { TimeoutSeconds = 5, ApiKeyEnv = "OTHER" }));
        Assert.NotEqual(RequestFingerprint.Of(role), RequestFingerprint.Of(role with { Temperature = null }));
        Assert.NotEqual(RequestFingerprint.Of(role), RequestFingerprint.Of(role with { Model = "n" }));
        Assert.NotEqual(RequestFingerprint.Of(role), RequestFingerprint.Of(role with { MaxTokens = 512 }));
        Assert.NotEqual(RequestFingerprint.Of(role), RequestFingerprint.Of(role with { ExtraBody = Body("""{"reasoning_effort": "low"}""") }));
    }
}
