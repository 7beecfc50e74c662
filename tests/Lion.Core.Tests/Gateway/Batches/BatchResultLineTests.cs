using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Tests.Gateway.Batches;

public sealed class BatchResultLineTests
{
    [Fact]
    public void An_answered_line_gives_the_reply_its_finish_reason_and_the_providers_token_counts()
    {
        var line = BatchResultLine.Parse("""
            {"id": "batch_req_1", "custom_id": "k1", "response": {"status_code": 200, "request_id": "r", "body": {"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-x",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris"}, "finish_reason": "length"}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}}}, "error": null}
            """.ReplaceLineEndings(""))!;

        Assert.Equal("k1", line.CustomId);
        Assert.Null(line.Error);
        Assert.Equal(("Paris", ChatFinishReason.Length, 12L, 3L), (line.Response!.Text, line.Response.FinishReason, line.Response.Usage!.InputTokenCount, line.Response.Usage.OutputTokenCount));
    }

    [Fact]
    public void A_line_the_provider_answered_with_an_error_status_is_failed_with_the_status_and_message()
    {
        var line = BatchResultLine.Parse("""{"custom_id": "k2", "response": {"status_code": 500, "body": {"error": {"message": "overloaded", "type": "server_error"}}}, "error": null}""")!;

        Assert.Null(line.Response);
        Assert.Equal("HTTP 500: overloaded", line.Error);
    }

    [Fact]
    public void A_line_of_the_error_file_is_failed_with_its_message()
    {
        var line = BatchResultLine.Parse("""{"custom_id": "k3", "response": null, "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}}""")!;

        Assert.Equal("This request could not be executed before the completion window expired.", line.Error);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"response": {"status_code": 200}}""")]
    [InlineData("[1, 2]")]
    public void A_line_that_names_no_request_is_skipped(string text) => Assert.Null(BatchResultLine.Parse(text));

    [Fact]
    public void Reply_text_with_nul_and_odd_characters_is_kept_as_sent()
    {
        var line = BatchResultLine.Parse("""{"custom_id": "k4", "response": {"status_code": 200, "body": {"choices": [{"message": {"content": "a\u0000b\ud83d\ude00"}}]}}}""")!;

        Assert.Equal("a\0b😀", line.Response!.Text);
    }

    [Fact]
    public void A_request_line_holds_the_custom_id_the_chat_url_and_the_requests_model_messages_and_options()
    {
        byte[] bytes = BatchRequestLine.Write("key-1", "gpt-x", [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "2+2?")],
            new ChatOptions { Temperature = 0.5f, MaxOutputTokens = 7, Seed = 3 });

        using var document = System.Text.Json.JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var body = root.GetProperty("body");
        Assert.Equal('\n', (char)bytes[^1]);
        Assert.Equal(("key-1", "POST", "/v1/chat/completions"), (root.GetProperty("custom_id").GetString(), root.GetProperty("method").GetString(), root.GetProperty("url").GetString()));
        Assert.Equal(("gpt-x", "system", "2+2?"), (body.GetProperty("model").GetString(), body.GetProperty("messages")[0].GetProperty("role").GetString(),
            body.GetProperty("messages")[1].GetProperty("content").GetString()));
        Assert.Equal((0.5, 7, 3L), (body.GetProperty("temperature").GetDouble(), body.GetProperty("max_completion_tokens").GetInt32(), body.GetProperty("seed").GetInt64()));
    }

    [Fact]
    public void A_line_refused_for_a_parameter_carries_the_refusal_so_it_is_not_batched_again()
    {
        var line = BatchResultLine.Parse("""{"custom_id": "k1", "response": {"status_code": 400, "body": {"error": {"message": "Unsupported value: 'temperature' does not support 0.2 with this model.", "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}}}""")!;

        Assert.Equal(Lion.Core.Gateway.RemoteFailureKind.ConfigRejected, line.Refusal!.Kind);
        Assert.Equal("temperature", line.Refusal.Param);
    }

    [Fact]
    public void A_line_that_failed_on_the_providers_side_carries_no_refusal_and_is_asked_again()
    {
        var line = BatchResultLine.Parse("""{"custom_id": "k1", "response": {"status_code": 500, "body": {"error": {"message": "The server had an error."}}}}""")!;

        Assert.Null(line.Refusal);
        Assert.NotNull(line.Error);
    }
}
