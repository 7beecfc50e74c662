using System.Globalization;
using System.Text.RegularExpressions;

namespace Lion.Core.Gateway;

/// <summary>
/// A request over the model's context, with what the provider said of it: the context's size and
/// the prompt's tokens where the message or body gives them (OpenAI and vLLM: "maximum context
/// length is 4096 tokens … 245 in the messages"; vLLM: "your request has 2778 input tokens";
/// llama.cpp: <c>n_ctx</c> and <c>n_prompt_tokens</c>; Anthropic-style "210000 tokens > 200000
/// maximum"; Gemini-style "input token count (X) exceeds the maximum … (Y)"). When the prompt alone
/// fits, the request's max_tokens is what pushed it over: the config's, not the item's.
/// </summary>
public sealed partial record ContextOverflow(int? Limit, int? PromptTokens)
{
    /// <summary>Whether the prompt alone fits, so that fewer output tokens would be answered.</summary>
    public bool PromptFits => Limit is { } limit && PromptTokens is { } prompt && prompt < limit;

    /// <summary>The output tokens that fit beside the prompt (0 when it does not fit or is unknown).</summary>
    public int Room => PromptFits ? Limit!.Value - PromptTokens!.Value : 0;

    /// <summary>The overflow <paramref name="error"/> describes, or null when it is about something else.</summary>
    public static ContextOverflow? From(ProviderError error)
    {
        int? limit = error.ContextSize ?? First(error.Message, LimitPatterns());
        int? prompt = error.PromptTokens ?? First(error.Message, PromptPatterns());
        if (AnthropicStyle().Match(error.Message) is { Success: true } over)
            (prompt, limit) = (Number(over.Groups[1].Value), Number(over.Groups[2].Value));
        else if (GeminiStyle().Match(error.Message) is { Success: true } exceeds)
            (prompt, limit) = (Number(exceeds.Groups[1].Value), Number(exceeds.Groups[2].Value));
        bool named = error.Code is "context_length_exceeded" || error.Type is "exceed_context_size_error"
                     || ContextWords().IsMatch(error.Message);
        return named || limit is not null ? new ContextOverflow(limit, prompt) : null;
    }

    private static int? First(string message, Regex pattern) =>
        pattern.Match(message) is { Success: true } match ? Number(match.Groups.Values.Skip(1).First(g => g.Success).Value) : null;

    private static int? Number(string digits) =>
        int.TryParse(digits.Replace(",", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;

    [GeneratedRegex(@"maximum context length is (\d[\d,]*) tokens", RegexOptions.IgnoreCase)]
    private static partial Regex LimitPatterns();

    [GeneratedRegex(@"(\d[\d,]*) in the messages|messages resulted in (\d[\d,]*) tokens|request has (\d[\d,]*) input tokens|messages take (\d[\d,]*)",
        RegexOptions.IgnoreCase)]
    private static partial Regex PromptPatterns();

    [GeneratedRegex(@"prompt is too long: (\d[\d,]*) tokens > (\d[\d,]*) maximum", RegexOptions.IgnoreCase)]
    private static partial Regex AnthropicStyle();

    [GeneratedRegex(@"input token count \((\d[\d,]*)\) exceeds the maximum number of tokens allowed \((\d[\d,]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex GeminiStyle();

    [GeneratedRegex(@"context (length|window|size)|prompt is too long", RegexOptions.IgnoreCase)]
    private static partial Regex ContextWords();
}
