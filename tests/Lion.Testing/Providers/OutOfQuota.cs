using Lion.Endpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Testing.Providers;

/// <summary>An account without credit, as OpenAI answers it: 429 <c>insufficient_quota</c>, no Retry-After, every time.</summary>
public sealed class OutOfQuota : IChatRequestFilter
{
    private int _refused;

    public int Refused => Volatile.Read(ref _refused);

    public async Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model)
    {
        Interlocked.Increment(ref _refused);
        await ChatCompletionWriter.WriteError(context.Response, 429,
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
            "insufficient_quota", code: "insufficient_quota");
        return null;
    }
}
