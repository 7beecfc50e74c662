using Lion.Endpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Lion.Testing.Providers;

/// <summary>
/// A reasoning model as OpenAI documents its refusals: temperature and top_p other than 1 are
/// refused with 400 <c>unsupported_value</c>, <c>max_tokens</c> with 400 <c>unsupported_parameter</c>
/// (it takes <c>max_completion_tokens</c>); anything else is answered by the model.
/// </summary>
public sealed class ReasoningModel : IChatRequestFilter
{
    private int _refused, _answered;

    public int Refused => Volatile.Read(ref _refused);
    public int Answered => Volatile.Read(ref _answered);

    public async Task<IChatClient?> FilterAsync(HttpContext context, byte[] body, IChatClient model)
    {
        var request = ProviderRequestBody.Parse(body);
        foreach (string field in new[] { "temperature", "top_p" })
            if (request.Number(field) is { } value && value != 1)
            {
                Interlocked.Increment(ref _refused);
                await ChatCompletionWriter.WriteError(context.Response, 400,
                    $"Unsupported value: '{field}' does not support {value} with this model. Only the default (1) value is supported.",
                    "invalid_request_error", field, "unsupported_value");
                return null;
            }
        if (request.Has("max_tokens"))
        {
            Interlocked.Increment(ref _refused);
            await ChatCompletionWriter.WriteError(context.Response, 400,
                "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                "invalid_request_error", "max_tokens", "unsupported_parameter");
            return null;
        }
        Interlocked.Increment(ref _answered);
        return model;
    }
}
