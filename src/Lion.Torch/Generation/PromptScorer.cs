using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Generation;

/// <summary>
/// The log-probability the model gives each token of a sequence after the tokens before it, with
/// the most likely tokens at each position, in one forward pass: what a completions endpoint
/// answers for <c>echo</c> and <c>logprobs</c>, and what evaluation harnesses sum to compare
/// continuations. The first token has no context, so no score.
/// </summary>
public static class PromptScorer
{
    /// <param name="top">How many of the most likely tokens to give at each position (0: none).</param>
    public static IReadOnlyList<TokenScore> Score(LlamaForCausalLM model, IReadOnlyList<int> tokens, int top)
    {
        if (tokens.Count == 0)
            return [];
        if (tokens.Count > model.Config.MaxPositionEmbeddings)
            throw new ArgumentException($"the sequence takes {tokens.Count} tokens, over the model's context of {model.Config.MaxPositionEmbeddings}");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var input = tensor(tokens.Select(t => (long)t).ToArray()).reshape(1, -1);
        // Position i predicts token i + 1: the last position predicts nothing asked for.
        var logProbabilities = nn.functional.log_softmax(model.forward(input)[0].to(float32), 1)
            .narrow(0, 0, tokens.Count - 1);
        var scores = new List<TokenScore> { new(tokens[0], null, []) };
        if (tokens.Count == 1)
            return scores;
        using var targets = tensor(tokens.Skip(1).Select(t => (long)t).ToArray()).unsqueeze(1);
        float[] chosen = logProbabilities.gather(1, targets).squeeze(1).data<float>().ToArray();
        int k = Math.Min(top, (int)logProbabilities.shape[1]);
        float[] topValues = [];
        long[] topIds = [];
        if (k > 0)
        {
            var (values, indices) = logProbabilities.topk(k, 1);
            topValues = values.data<float>().ToArray();
            topIds = indices.data<long>().ToArray();
        }
        for (int i = 1; i < tokens.Count; i++)
            scores.Add(new TokenScore(tokens[i], chosen[i - 1],
                Enumerable.Range(0, k).Select(j => ((int)topIds[(i - 1) * k + j], (double)topValues[(i - 1) * k + j])).ToList()));
        return scores;
    }
}

/// <summary>A token, its log-probability after the tokens before it (null for the first), and the most likely tokens there with theirs.</summary>
public sealed record TokenScore(int Token, double? LogProbability, IReadOnlyList<(int Token, double LogProbability)> Top);
