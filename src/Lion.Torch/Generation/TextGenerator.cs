using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using static TorchSharp.torch;

namespace Lion.Torch.Generation;

/// <summary>
/// Continues prompts with the model until EOS, a stop string or the token limit; greedy or
/// sampled with temperature and top-p, reproducible for a seed. Each prompt is decoded on its
/// own, recomputing the whole sequence every step: simple and exact, fine for a tiny student
/// (the KV-cached batched decoder is the next step of the student issue).
/// </summary>
public sealed class TextGenerator(LlamaForCausalLM model, ByteTokenizer tokenizer)
{
    public (string Text, string FinishReason) Complete(string prompt, SamplingOptions options)
    {
        var config = model.Config;
        var tokens = new List<long> { config.BosTokenId };
        tokens.AddRange(tokenizer.Encode(prompt).Select(t => (long)t));
        var generated = new List<int>();
        var random = new Random((int)(options.Seed % int.MaxValue));
        using var noGrad = no_grad();
        for (int i = 0; i < options.MaxNewTokens; i++)
        {
            if (tokens.Count >= config.MaxPositionEmbeddings)
                return (tokenizer.Decode(generated), "length");
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(tokens.ToArray()).unsqueeze(0)).select(1, tokens.Count - 1).squeeze(0);
            int next = Pick(logits, options, random);
            if (next == config.EosTokenId)
                return (tokenizer.Decode(generated), "stop");
            generated.Add(next);
            tokens.Add(next);
            string text = tokenizer.Decode(generated);
            foreach (var stop in options.Stop)
            {
                int at = text.IndexOf(stop, StringComparison.Ordinal);
                if (at >= 0)
                    return (text[..at], "stop");
            }
        }
        return (tokenizer.Decode(generated), "length");
    }

    private static int Pick(Tensor logits, SamplingOptions options, Random random)
    {
        if (options.Temperature <= 0)
            return (int)logits.argmax().item<long>();
        var probabilities = nn.functional.softmax(logits.to(float64) / options.Temperature, 0).data<double>().ToArray();
        var order = Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).ToList();
        double kept = 0;
        var nucleus = new List<int>();
        foreach (int i in order)
        {
            nucleus.Add(i);
            kept += probabilities[i];
            if (kept >= options.TopP)
                break;
        }
        double draw = random.NextDouble() * kept;
        foreach (int i in nucleus)
        {
            draw -= probabilities[i];
            if (draw <= 0)
                return i;
        }
        return nucleus[^1];
    }
}
