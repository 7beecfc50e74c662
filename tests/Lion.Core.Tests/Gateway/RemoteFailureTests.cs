using Lion.Core.Gateway;

namespace Lion.Core.Tests.Gateway;

/// <summary>
/// A refused request is told apart by what the provider's documented error body says: the
/// config's parameter, the item's length or content, the account's credit, or a passing overload.
/// </summary>
public sealed class RemoteFailureTests
{
    [Theory]
    [InlineData("""{"error": {"message": "Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.", "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}""", "temperature")]
    [InlineData("""{"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}}""", "max_tokens")]
    [InlineData("""{"error": {"message": "Unsupported value: 'top_p' does not support 0.9 with this model.", "type": "invalid_request_error", "param": "top_p", "code": "unsupported_value"}}""", "top_p")]
    [InlineData("""{"error": {"message": "Invalid value for 'reasoning_effort': 'extreme'.", "type": "invalid_request_error", "param": "reasoning_effort", "code": "invalid_value"}}""", "reasoning_effort")]
    [InlineData("""{"object": "error", "message": "temperature must be non-negative, got -1.0.", "type": "BadRequestError", "param": null, "code": 400}""", "temperature")]
    [InlineData("""{"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens"}}""", "max_tokens")]
    public void A_refusal_of_a_parameter_the_config_sets_is_the_configs_and_names_it(string body, string param)
    {
        var failure = RemoteFailure.FromStatus(400, body, null);

        Assert.Equal(RemoteFailureKind.ConfigRejected, failure.Kind);
        Assert.Equal(param, failure.Param);
        Assert.True(new RemoteRequestException(failure, failure.Message).StopsTheRun);
    }

    [Theory]
    [InlineData("""{"error": {"message": "Invalid 'messages[0].content': string too long.", "type": "invalid_request_error", "param": "messages[0].content", "code": "string_above_max_length"}}""")]
    [InlineData("""{"error": {"message": "The prompt is malformed.", "type": "invalid_request_error", "param": null, "code": null}}""")]
    public void A_refusal_of_the_items_own_messages_is_the_items(string body)
    {
        var failure = RemoteFailure.FromStatus(400, body, null);

        Assert.Equal(RemoteFailureKind.BadRequest, failure.Kind);
        Assert.False(failure.IsRetryable);
    }

    [Theory]
    [InlineData(429, """{"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}""")]
    [InlineData(402, """{"error": {"message": "Insufficient Balance", "type": "unknown_error", "param": null, "code": "invalid_request_error"}}""")]
    [InlineData(400, """{"type": "error", "error": {"type": "invalid_request_error", "message": "Your credit balance is too low to access the API. Please go to Plans & Billing to upgrade or purchase credits."}}""")]
    [InlineData(402, "")]
    public void No_credit_left_is_a_quota_that_no_retry_helps(int status, string body)
    {
        var failure = RemoteFailure.FromStatus(status, body, null);

        Assert.Equal(RemoteFailureKind.QuotaExhausted, failure.Kind);
        Assert.False(failure.IsRetryable);
        Assert.True(new RemoteRequestException(failure, failure.Message).StopsTheRun);
    }

    [Theory]
    [InlineData(429, """{"error": {"message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}""")]
    [InlineData(529, """{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}""")]
    [InlineData(503, """{"error": {"message": "The engine is currently overloaded, please try again later", "type": "server_error"}}""")]
    public void A_rate_limit_or_an_overload_is_retried(int status, string body)
    {
        Assert.True(RemoteFailure.FromStatus(status, body, null).IsRetryable);
    }

    [Theory]
    [InlineData("""{"error": {"message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", "type": null, "param": "prompt", "code": "content_filter", "status": 400, "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {"hate": {"filtered": true, "severity": "high"}}}}}""")]
    [InlineData("""{"error": {"message": "Filtered.", "type": "invalid_request_error", "param": null, "code": null, "innererror": {"code": "ResponsibleAIPolicyViolation"}}}""")]
    public void A_content_filter_refusal_is_its_own_kind(string body)
    {
        Assert.Equal(RemoteFailureKind.ContentFiltered, RemoteFailure.FromStatus(400, body, null).Kind);
    }

    [Theory]
    [InlineData("""{"error": {"message": "This model's maximum context length is 1024 tokens. However, you requested 1034 tokens (10 in the messages, 1024 in the completion). Please reduce the length of the messages or completion.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}""", 1024, 10, true)]
    [InlineData("""{"error": {"message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens. Please reduce the length of the messages.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}""", 8192, 9100, false)]
    [InlineData("""{"error": {"message": "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is 4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778). None", "type": "BadRequestError", "param": null, "code": 400}}""", 4096, 2778, true)]
    [InlineData("""{"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it", "type": "exceed_context_size_error", "n_prompt_tokens": 5000, "n_ctx": 4096}}""", 4096, 5000, false)]
    [InlineData("""{"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"}}""", 200000, 210000, false)]
    [InlineData("""{"error": {"code": 400, "message": "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", "status": "INVALID_ARGUMENT"}}""", 1048576, 1200000, false)]
    public void A_context_refusal_says_whether_the_prompt_alone_fits(string body, int limit, int prompt, bool fits)
    {
        var failure = RemoteFailure.FromStatus(400, body, null);

        Assert.Equal(RemoteFailureKind.ContextExceeded, failure.Kind);
        Assert.Equal((limit, prompt), (failure.Overflow!.Limit, failure.Overflow.PromptTokens));
        Assert.Equal(fits, failure.Overflow.PromptFits);
        Assert.Equal(fits ? limit - prompt : 0, failure.Overflow.Room);
    }

    [Fact]
    public void A_body_that_is_no_error_object_still_classifies_by_its_status()
    {
        var failure = RemoteFailure.FromStatus(400, "<html>\u0000bad gateway</html>", null);

        Assert.Equal(RemoteFailureKind.BadRequest, failure.Kind);
        Assert.Contains("bad gateway", failure.Message);
    }

    [Fact]
    public void An_error_body_of_any_size_and_content_is_read_and_its_message_bounded()
    {
        string huge = "temperature \\u0000 " + new string('x', 3_000_000);
        string body = "{\"error\": {\"message\": \"" + huge + "\", \"param\": \"temperature\", \"code\": \"unsupported_value\"}}";
        var failure = RemoteFailure.FromStatus(400, body, null);

        Assert.Equal(RemoteFailureKind.ConfigRejected, failure.Kind);
        Assert.InRange(failure.ProviderMessage.Length, ProviderError.MaxMessage, ProviderError.MaxMessage + 100);
        Assert.Contains('\0', failure.ProviderMessage);
    }

    [Theory]
    [InlineData("\u0000\u0001")]
    [InlineData("{\"error\": 42}")]
    [InlineData("{\"error\": {\"message\": null}}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"error\": {\"message\": \"x\", \"n_ctx\": \"many\", \"param\": [1]}}")]
    public void A_malformed_error_body_never_throws(string body)
    {
        var failure = RemoteFailure.FromStatus(400, body, null);

        Assert.False(failure.IsRetryable);
    }
}
