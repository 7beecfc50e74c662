namespace Lion.Endpoint;

/// <summary>One choice of a completions answer: its text (the prompt first when echoed), why it stopped, token counts and, when asked, log-probabilities.</summary>
public sealed record TextCompletion(string Text, string FinishReason, int PromptTokens, int CompletionTokens, CompletionLogprobs? Logprobs);

/// <summary>
/// The <c>logprobs</c> object of a completions choice, as OpenAI's legacy API and vLLM write it:
/// each token's text, its log-probability (null for the first token of an echoed prompt, which
/// has no context), the most likely tokens there with theirs, and where each token starts in the
/// choice's text.
/// </summary>
public sealed record CompletionLogprobs(
    IReadOnlyList<string> Tokens, IReadOnlyList<double?> TokenLogprobs, IReadOnlyList<IReadOnlyDictionary<string, double>?> TopLogprobs,
    IReadOnlyList<int> TextOffset);
