using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lion.Endpoint;

/// <summary>Writes chat completions, chunks and errors in the OpenAI wire format.</summary>
internal static class ChatCompletionWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteCompletion(HttpResponse response, string id, string model, string content,
        string finishReason, long promptTokens, long completionTokens)
    {
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body, Options);
        Completion(json, id, model, content, finishReason, promptTokens, completionTokens);
        await json.FlushAsync();
    }

    /// <summary>A chat completion object, as answered live and as the body of a batch output line.</summary>
    public static void Completion(Utf8JsonWriter json, string id, string model, string content,
        string finishReason, long promptTokens, long completionTokens)
    {
        json.WriteStartObject();
        Header(json, id, "chat.completion", model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        json.WriteString("content", content);
        json.WriteEndObject();
        json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        Usage(json, promptTokens, completionTokens);
        json.WriteEndObject();
    }

    /// <summary>One server-sent event carrying a chunk: a content delta, a finish reason, or usage alone.</summary>
    public static async Task WriteChunk(HttpResponse response, string id, string model, string? role, string? content,
        string? finishReason, (long Prompt, long Completion)? usage = null)
    {
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            Header(json, id, "chat.completion.chunk", model);
            json.WriteStartArray("choices");
            if (usage is null)
            {
                json.WriteStartObject();
                json.WriteNumber("index", 0);
                json.WriteStartObject("delta");
                if (role is not null) json.WriteString("role", role);
                if (content is not null) json.WriteString("content", content);
                json.WriteEndObject();
                if (finishReason is null) json.WriteNull("finish_reason");
                else json.WriteString("finish_reason", finishReason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (usage is { } counts)
                Usage(json, counts.Prompt, counts.Completion);
            json.WriteEndObject();
        }
        await response.Body.WriteAsync("data: "u8.ToArray());
        await response.Body.WriteAsync(buffer.ToArray());
        await response.Body.WriteAsync("\n\n"u8.ToArray());
        await response.Body.FlushAsync();
    }

    public static async Task WriteDone(HttpResponse response)
    {
        await response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        await response.Body.FlushAsync();
    }

    /// <summary>A legacy completions answer ("object": "text_completion"), a choice per prompt, with logprobs where asked.</summary>
    public static async Task WriteTextCompletion(HttpResponse response, string id, string model, IReadOnlyList<TextCompletion> choices)
    {
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body, Options);
        json.WriteStartObject();
        Header(json, id, "text_completion", model);
        json.WriteStartArray("choices");
        for (int i = 0; i < choices.Count; i++)
        {
            var choice = choices[i];
            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteString("text", choice.Text);
            if (choice.Logprobs is { } logprobs)
                WriteLogprobs(json, logprobs);
            else
                json.WriteNull("logprobs");
            json.WriteString("finish_reason", choice.FinishReason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        Usage(json, choices.Sum(c => (long)c.PromptTokens), choices.Sum(c => (long)c.CompletionTokens));
        json.WriteEndObject();
        await json.FlushAsync();
    }

    private static void WriteLogprobs(Utf8JsonWriter json, CompletionLogprobs logprobs)
    {
        json.WriteStartObject("logprobs");
        json.WriteStartArray("tokens");
        foreach (string token in logprobs.Tokens)
            json.WriteStringValue(token);
        json.WriteEndArray();
        json.WriteStartArray("token_logprobs");
        foreach (double? value in logprobs.TokenLogprobs)
            if (value is { } number) json.WriteNumberValue(number); else json.WriteNullValue();
        json.WriteEndArray();
        json.WriteStartArray("top_logprobs");
        foreach (var top in logprobs.TopLogprobs)
        {
            if (top is null)
            {
                json.WriteNullValue();
                continue;
            }
            json.WriteStartObject();
            foreach (var (token, value) in top)
                json.WriteNumber(token, value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("text_offset");
        foreach (int offset in logprobs.TextOffset)
            json.WriteNumberValue(offset);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static async Task WriteError(HttpResponse response, int status, string message, string type,
        string? param = null, string? code = null)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body, Options);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", message);
        json.WriteString("type", type);
        if (param is null) json.WriteNull("param"); else json.WriteString("param", param);
        if (code is null) json.WriteNull("code"); else json.WriteString("code", code);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync();
    }

    private static void Header(Utf8JsonWriter json, string id, string kind, string model)
    {
        json.WriteString("id", id);
        json.WriteString("object", kind);
        json.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        json.WriteString("model", model);
    }

    private static void Usage(Utf8JsonWriter json, long prompt, long completion)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", prompt);
        json.WriteNumber("completion_tokens", completion);
        json.WriteNumber("total_tokens", prompt + completion);
        json.WriteEndObject();
    }
}
