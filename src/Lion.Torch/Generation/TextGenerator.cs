using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using static TorchSharp.torch;

namespace Lion.Torch.Generation;

/// <summary>
/// Continues prompts with the model until EOS, a stop string or the token limit; greedy or
/// sampled with temperature and top-p, reproducible per prompt for a seed. Prompts are decoded
/// together: left-padded to one length, each row with its own positions and a mask that hides
/// the padding, and a key/value cache so each step computes only the new token. A row that
/// finishes is done; the batch goes on until every row is.
/// </summary>
public sealed class TextGenerator(LlamaForCausalLM model, ITextTokenizer tokenizer)
{
    public (string Text, string FinishReason) Complete(string prompt, SamplingOptions options) =>
        CompleteAll([prompt], options)[0];

    public IReadOnlyList<(string Text, string FinishReason)> CompleteAll(IReadOnlyList<string> prompts, SamplingOptions options)
    {
        if (prompts.Count == 0)
            return [];
        var config = model.Config;
        int rows = prompts.Count;
        var encoded = prompts.Select(p => (long[])[config.BosTokenId, .. tokenizer.Encode(p).Select(t => (long)t)]).ToList();
        int longest = encoded.Max(e => e.Length);
        long pad = config.PadTokenId ?? config.EosTokenId;

        var tokens = new long[rows, longest];
        var positions = new long[rows, longest];
        var real = new bool[rows, longest + options.MaxNewTokens];
        for (int row = 0; row < rows; row++)
        {
            int offset = longest - encoded[row].Length;
            for (int i = 0; i < longest; i++)
            {
                bool isReal = i >= offset;
                tokens[row, i] = isReal ? encoded[row][i - offset] : pad;
                positions[row, i] = isReal ? i - offset : 0;
                real[row, i] = isReal;
            }
        }

        var generated = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        var finish = new string?[rows];
        var randoms = prompts.Select(p => new Random(Seed(options.Seed, p))).ToArray();
        var caches = Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LayerCache()).ToList();
        try
        {
            using var noGrad = no_grad();
            int length = longest;
            var next = tensor(tokens);
            var nextPositions = tensor(positions);
            for (int step = 0; step < options.MaxNewTokens && finish.Any(f => f is null); step++)
            {
                using var scope = NewDisposeScope();
                int fresh = (int)next.shape[1];
                if (length > config.MaxPositionEmbeddings)
                {
                    for (int row = 0; row < rows; row++) finish[row] ??= "length";
                    break;
                }
                var logits = model.Forward(next, nextPositions, Mask(real, rows, length - fresh, length), caches);
                var last = logits.select(1, fresh - 1).to(float32);
                var chosen = new long[rows, 1];
                var chosenPositions = new long[rows, 1];
                for (int row = 0; row < rows; row++)
                {
                    chosenPositions[row, 0] = encoded[row].Length + generated[row].Count;
                    if (finish[row] is not null)
                    {
                        chosen[row, 0] = pad;
                        continue;
                    }
                    int token = Pick(last[row], options, randoms[row]);
                    chosen[row, 0] = token;
                    real[row, length] = true;
                    if (token == config.EosTokenId)
                    {
                        finish[row] = "stop";
                        continue;
                    }
                    generated[row].Add(token);
                    if (options.Stop.Count > 0 && options.Stop.Any(s => tokenizer.Decode(generated[row]).Contains(s, StringComparison.Ordinal)))
                        finish[row] = "stop";
                }
                next.Dispose();
                nextPositions.Dispose();
                next = tensor(chosen).DetachFromDisposeScope();
                nextPositions = tensor(chosenPositions).DetachFromDisposeScope();
                length++;
            }
            next.Dispose();
            nextPositions.Dispose();
        }
        finally
        {
            foreach (var cache in caches)
                cache.Dispose();
        }

        return Enumerable.Range(0, rows).Select(row =>
        {
            string text = tokenizer.Decode(generated[row]);
            foreach (var stop in options.Stop)
                if (text.IndexOf(stop, StringComparison.Ordinal) is >= 0 and var at)
                    text = text[..at];
            return (text, finish[row] ?? "length");
        }).ToList();
    }

    /// <summary>
    /// [rows, 1, new, all] booleans: a new position at absolute index q may look at key k when
    /// k ≤ q and k is a real token; it may always look at itself, so a padding row is never empty.
    /// </summary>
    private static Tensor Mask(bool[,] real, int rows, int start, int end)
    {
        int fresh = end - start;
        var mask = new bool[rows, 1, fresh, end];
        for (int row = 0; row < rows; row++)
            for (int q = 0; q < fresh; q++)
            {
                int absolute = start + q;
                for (int k = 0; k <= absolute; k++)
                    mask[row, 0, q, k] = real[row, k] || k == absolute;
            }
        return tensor(mask);
    }

    private static int Seed(long seed, string prompt) =>
        BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}\u0001{prompt}")), 0);

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
