using System.Text.Json;
using Lion.Endpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Testing.Providers;

/// <summary>
/// A provider's content filter as Azure OpenAI documents it, on prompts holding a marker: the
/// completion withheld (200, <c>finish_reason: "content_filter"</c>, <c>content: null</c>, with its
/// <c>content_filter_results</c>), or, for prompts holding <paramref name="promptMarker"/>, the
/// prompt refused (400, <c>code: "content_filter"</c>, <c>innererror.code: "ResponsibleAIPolicyViolation"</c>).
/// </summary>
public sealed class ContentFilter(string completionMarker, string promptMarker) : IChatRequestFilter
{
    private int _filtered;

    public int Filtered => Volatile.Read(ref _filtered);

    /// <summary>Requests that reached the filter, filtered or not, by the text of their messages.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> Seen { get; } = [];

    public async Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model)
    {
        string text = ProviderRequestBody.Parse(body).Text;
        Seen.Add(text);
        if (text.Contains(promptMarker, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _filtered);
            await Write(context.Response, 400, new
            {
                error = new
                {
                    message = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
                    type = (string?)null, param = "prompt", code = "content_filter", status = 400,
                    innererror = new { code = "ResponsibleAIPolicyViolation", content_filter_result = new { violence = new { filtered = true, severity = "medium" } } },
                },
            });
            return null;
        }
        if (text.Contains(completionMarker, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _filtered);
            await Write(context.Response, 200, new
            {
                id = "chatcmpl-filtered", @object = "chat.completion", created = 0, model = "lion-oracle",
                choices = new[]
                {
                    new
                    {
                        index = 0, finish_reason = "content_filter",
                        message = new { role = "assistant", content = (string?)null },
                        content_filter_results = new { violence = new { filtered = true, severity = "high" } },
                    },
                },
                usage = new { prompt_tokens = 20, completion_tokens = 0, total_tokens = 20 },
            });
            return null;
        }
        return model;
    }

    private static async Task Write(HttpResponse response, int status, object body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
