using System.Text.Json;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// Decoding a few streams at once from a checkpoint stored in bfloat16 (its matrices' bfloat16
/// copies read for up to eight streams) against the same model with float32 weights (nudged off
/// bfloat16, so every step reads float32): SizesBenchmark's shapes, random weights, the demo's
/// prompts, 128 greedy tokens past EOS a stream. The two models take turns (which goes first
/// alternating), and each turn's ratio is set against its partner's a moment apart; the median
/// ratio per stream count. Arguments:
/// [135m|0.5b] [stream counts, comma-separated] [turns].
/// </summary>
internal static class StreamsBenchmark
{
    public static int Run(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "135m";
        var config = SizesBenchmark.Shapes.TryGetValue(name, out var shape) ? shape
            : throw new ArgumentException($"shape \"{name}\": {string.Join(" or ", SizesBenchmark.Shapes.Keys)}");
        int[] counts = args.Length > 1 ? [.. args[1].Split(',').Select(int.Parse)] : [1, 2, 4, 6, 8, 12, 16];
        int turns = args.Length > 2 ? int.Parse(args[2]) : 3;

        string folder = Path.Combine(Path.GetTempPath(), $"lion-streams-{name}-{Environment.ProcessId}");
        manual_seed(1);
        using (var made = new LlamaForCausalLM(config))
            HuggingFaceFolder.Save(made, folder, new ByteTokenizer(), bfloat16: true);
        LlamaForCausalLM halfWidth, single;
        ITextTokenizer tokenizer;
        try
        {
            (halfWidth, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder);
            (single, _) = HuggingFaceFolder.LoadWithTokenizer(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        using var ownedHalf = halfWidth;
        using var ownedSingle = single;
        using (no_grad())
        using (var nudge = (1 + 1e-6).ToScalar())
            foreach (var matrix in single.parameters().Where(p => p.dim() == 2))
                matrix.mul_(nudge);
        var prompts = SizesBenchmark.DemoExamples(tokenizer, counts.Max()).Select(e => tokenizer.Decode(e.Prompt)).ToList();
        Console.WriteLine($"{name}: {counts.Length} stream counts, {turns} turns each of bfloat16 copies and float32, {get_num_threads()} threads");

        var figures = new Dictionary<string, object?> { ["benchmark"] = "streams", ["shape"] = name };
        foreach (int count in counts)
        {
            var batch = prompts.Take(count).ToList();
            // A first turn of each, not counted: the copies are made at the first step.
            SizesBenchmark.Generate(halfWidth, tokenizer, batch);
            SizesBenchmark.Generate(single, tokenizer, batch);
            // Which goes first alternates by turn, so neither always runs on the other's leftovers.
            var pairs = Enumerable.Range(0, turns).Select(turn =>
            {
                if (turn % 2 == 1)
                {
                    double first = SizesBenchmark.Generate(single, tokenizer, batch).Decoding;
                    return (Half: SizesBenchmark.Generate(halfWidth, tokenizer, batch).Decoding, Single: first);
                }
                return (Half: SizesBenchmark.Generate(halfWidth, tokenizer, batch).Decoding, Single: SizesBenchmark.Generate(single, tokenizer, batch).Decoding);
            }).ToList();
            var ratios = pairs.Select(p => p.Half / p.Single).ToList();
            double half = Median.Of(pairs.Select(p => p.Half).ToList()), whole = Median.Of(pairs.Select(p => p.Single).ToList());
            figures[$"bf16_{count}_tokens_per_s"] = Math.Round(half, 1);
            figures[$"fp32_{count}_tokens_per_s"] = Math.Round(whole, 1);
            figures[$"bf16_over_fp32_{count}"] = Math.Round(Median.Of(ratios), 3);
            Console.WriteLine($"  {count} streams: bfloat16 copies {half:F1} tokens/s, float32 {whole:F1}; turn by turn {string.Join(", ", ratios.Select(r => r.ToString("F2")))}");
        }
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }
}
