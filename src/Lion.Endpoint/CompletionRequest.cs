using System.Text.Json;

namespace Lion.Endpoint;

/// <summary>
/// A POST /v1/completions body as OpenAI's legacy completions API and vLLM take it: a prompt
/// that is text, a list of texts, a list of token ids or a list of such lists (one choice each),
/// <c>max_tokens</c> (default 16; 0 with <c>echo</c> scores the prompt alone), sampling,
/// <c>stop</c>, <c>seed</c>, <c>echo</c> (the prompt comes back before the completion) and
/// <c>logprobs</c> (how many of the most likely tokens to give at each position). Every problem is
/// an <see cref="InvalidRequestException"/> naming the parameter.
/// </summary>
public sealed record CompletionRequest(
    string Model, IReadOnlyList<CompletionPrompt> Prompts, int MaxTokens, double Temperature, double TopP,
    IReadOnlyList<string> Stop, long? Seed, bool Echo, int? Logprobs)
{
    /// <summary>The most top tokens a position may ask for (vLLM's default limit).</summary>
    public const int MaxLogprobs = 20;

    public static CompletionRequest Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidRequestException("the request body must be a JSON object");
        string model = body.TryGetProperty("model", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()! : throw new InvalidRequestException("you must provide a model parameter", "model");
        if (!body.TryGetProperty("prompt", out var prompt))
            throw new InvalidRequestException("you must provide a prompt", "prompt");
        if (RequestParameters.Flag(body, "stream"))
            throw new InvalidRequestException("streaming is not offered on /v1/completions; use /v1/chat/completions to stream", "stream");
        RequestParameters.OneChoice(body);
        return new CompletionRequest(model, ReadPrompts(prompt),
            Whole(body, "max_tokens", 0, int.MaxValue) ?? 16,
            RequestParameters.Number(body, "temperature", 0, 2) ?? 1,
            RequestParameters.Number(body, "top_p", 0, 1) ?? 1,
            RequestParameters.Stops(body)?.Where(stop => stop.Length > 0).ToList() ?? [],
            RequestParameters.Seed(body),
            RequestParameters.Flag(body, "echo"),
            Whole(body, "logprobs", 0, MaxLogprobs));
    }

    private static List<CompletionPrompt> ReadPrompts(JsonElement prompt)
    {
        if (prompt.ValueKind == JsonValueKind.String)
            return [new CompletionPrompt(prompt.GetString()!, null)];
        if (prompt.ValueKind != JsonValueKind.Array || prompt.GetArrayLength() == 0)
            throw new InvalidRequestException("prompt must be a string, a list of strings, a list of token ids or a list of such lists", "prompt");
        var items = prompt.EnumerateArray().ToList();
        if (items.All(i => i.ValueKind == JsonValueKind.Number))
            return [new CompletionPrompt(null, Tokens(prompt, "prompt"))];
        return items.Select((item, i) => item.ValueKind switch
        {
            JsonValueKind.String => new CompletionPrompt(item.GetString()!, null),
            JsonValueKind.Array when item.GetArrayLength() > 0 => new CompletionPrompt(null, Tokens(item, $"prompt[{i}]")),
            _ => throw new InvalidRequestException($"prompt[{i}] must be a string or a non-empty list of token ids", $"prompt[{i}]"),
        }).ToList();
    }

    private static int[] Tokens(JsonElement list, string param) =>
        list.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out int id) && id >= 0
            ? id : throw new InvalidRequestException($"{param} must hold token ids (whole numbers from 0)", param)).ToArray();

    private static int? Whole(JsonElement body, string name, int min, int max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < min || number > max)
            throw new InvalidRequestException($"{name} must be a whole number from {min} to {max}", name);
        return number;
    }
}

/// <summary>One prompt of a completions request: text, or token ids taken as they are.</summary>
public sealed record CompletionPrompt(string? Text, IReadOnlyList<int>? Tokens);
