using Lion.Endpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Testing.Providers;

/// <summary>
/// A served model with a small context, refusing as vLLM does: a prompt that alone is too long,
/// and a prompt plus max_tokens over the context ("'max_tokens' or 'max_completion_tokens' is too
/// large: … your request has N input tokens"). Prompt tokens are counted as four characters a token.
/// </summary>
public sealed class ContextWindow(int contextLength) : IChatRequestFilter
{
    private int _refused, _answered;

    public int Refused => Volatile.Read(ref _refused);
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>The max_tokens of every request answered.</summary>
    public System.Collections.Concurrent.ConcurrentBag<int?> AnsweredMaxTokens { get; } = [];

    public static int PromptTokens(string text) => (text.Length + 3) / 4 + 8;

    public async Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model)
    {
        var request = ProviderRequestBody.Parse(body);
        int prompt = PromptTokens(request.Text);
        if (prompt >= contextLength)
        {
            Interlocked.Increment(ref _refused);
            await ChatCompletionWriter.WriteError(context.Response, 400,
                $"This model's maximum context length is {contextLength} tokens. However, your request has {prompt} input tokens. Please reduce the length of the input messages.",
                "BadRequestError");
            return null;
        }
        if (request.MaxTokens is { } asked && prompt + asked > contextLength)
        {
            Interlocked.Increment(ref _refused);
            await ChatCompletionWriter.WriteError(context.Response, 400,
                $"'max_tokens' or 'max_completion_tokens' is too large: {asked}. This model's maximum context length is {contextLength} tokens and your request has {prompt} input tokens ({asked} > {contextLength} - {prompt}).",
                "BadRequestError");
            return null;
        }
        Interlocked.Increment(ref _answered);
        AnsweredMaxTokens.Add(request.MaxTokens);
        return model;
    }
}
