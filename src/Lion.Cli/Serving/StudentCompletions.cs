using System.Text;
using Lion.Endpoint;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;

namespace Lion.Cli.Serving;

/// <summary>
/// The in-process student behind POST /v1/completions, as vLLM answers it: a text prompt is the
/// model's BOS and the text's tokens (no chat template), token ids are taken as they are; the
/// continuation is decoded by the shared batcher; with <c>logprobs</c>, prompt (when echoed) and
/// completion tokens are scored in one forward pass, so a harness summing a continuation's
/// log-probabilities gets exactly what the model gives them.
/// </summary>
internal sealed class StudentCompletions(LlamaForCausalLM model, ITextTokenizer tokenizer, ContinuousBatcher batcher) : ICompletionModel
{
    // One scoring pass at a time: the decoding thread already keeps the cores busy.
    private readonly Lock _scoring = new();

    public int ContextLength => model.Config.MaxPositionEmbeddings;

    public async Task<TextCompletion> CompleteAsync(CompletionPrompt prompt, CompletionRequest request, CancellationToken cancellationToken)
    {
        int[] promptTokens = prompt.Tokens?.ToArray() ?? [model.Config.BosTokenId, .. tokenizer.Encode(prompt.Text!)];
        if (promptTokens.FirstOrDefault(t => t >= model.Config.VocabSize) is var unknown and > 0)
            throw new InvalidRequestException($"token id {unknown} is not in the model's vocabulary of {model.Config.VocabSize}", "prompt");
        int room = ContextLength - promptTokens.Length;
        if (room < 0)
            throw new InvalidRequestException($"This model's maximum context length is {ContextLength} tokens. However, your request has {promptTokens.Length} input tokens.", "prompt");
        if (request.MaxTokens > room)
            throw new InvalidRequestException($"'max_tokens' is too large: {request.MaxTokens}. This model's maximum context length is {ContextLength} tokens and " +
                                              $"your request has {promptTokens.Length} input tokens ({request.MaxTokens} > {ContextLength} - {promptTokens.Length}).", "max_tokens");

        var text = new StringBuilder();
        IReadOnlyList<int> generated = [];
        string finish = "length";
        if (request.MaxTokens > 0)
        {
            var options = new SamplingOptions
            {
                Temperature = request.Temperature, TopP = request.TopP, MaxNewTokens = request.MaxTokens,
                Seed = request.Seed ?? Random.Shared.NextInt64(), Stop = request.Stop,
            };
            await foreach (var update in batcher.Generate(promptTokens, options, stream: false, cancellationToken))
            {
                text.Append(update.Delta);
                if (update.FinishReason is { } reason)
                    (finish, generated) = (reason.Value, update.Tokens);
            }
        }
        string promptText = prompt.Text ?? tokenizer.Decode(promptTokens);
        var logprobs = request.Logprobs is { } top ? Logprobs(promptTokens, generated, top, request.Echo) : null;
        return new TextCompletion(request.Echo ? promptText + text : text.ToString(), finish, promptTokens.Length, generated.Count, logprobs);
    }

    private CompletionLogprobs Logprobs(int[] prompt, IReadOnlyList<int> generated, int top, bool echo)
    {
        IReadOnlyList<TokenScore> scores;
        lock (_scoring)
            scores = PromptScorer.Score(model, [.. prompt, .. generated], top);
        var shown = echo ? scores : scores.Skip(prompt.Length).ToList();
        var tokens = shown.Select(s => tokenizer.Decode([s.Token])).ToList();
        var offsets = new List<int>();
        int offset = 0;
        foreach (string token in tokens)
        {
            offsets.Add(offset);
            offset += token.Length;
        }
        return new CompletionLogprobs(tokens, shown.Select(s => s.LogProbability).ToList(),
            shown.Select(s => s.LogProbability is null ? null : (IReadOnlyDictionary<string, double>?)Top(s)).ToList(), offsets);
    }

    /// <summary>The most likely tokens at a position by their text; two ids of one text keep the likelier.</summary>
    private Dictionary<string, double> Top(TokenScore score)
    {
        var top = new Dictionary<string, double>();
        foreach (var (token, logProbability) in score.Top)
            top.TryAdd(tokenizer.Decode([token]), logProbability);
        return top;
    }
}
