using System.Text.Json;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// Decoding a few streams at once, two ways turn about: by default a checkpoint stored in
/// bfloat16 (its matrices' bfloat16 copies read for up to eight streams) against the same model
/// with float32 weights (nudged off bfloat16, so every step reads float32); with "libtorch", the
/// few-rows decoder against libtorch's operations, both on the float32 weights, the decoder taken
/// even where it is not on by default (below 256-bit vectors). SizesBenchmark's shapes, random
/// weights, the demo's prompts, 128 greedy tokens past EOS a stream, the decoding steps alone.
/// Which goes first alternates by turn, and each turn's ratio is set against its partner's a
/// moment apart; the median ratio per stream count. Arguments:
/// [135m|0.5b] [stream counts, comma-separated] [turns] [float32|libtorch].
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

        string against = args.Length > 3 ? args[3] : "float32";
        var sides = against switch
        {
            "float32" => new Sides("bf16", "fp32", "bfloat16 copies", "float32", null, null),
            "libtorch" => new Sides("decoder", "libtorch", "the decoder", "libtorch's operations", new HashSet<FusedKernel> { FusedKernel.Decoding }, new HashSet<FusedKernel>()),
            _ => throw new ArgumentException($"set against \"{against}\": float32 or libtorch"),
        };

        string folder = Path.Combine(Path.GetTempPath(), $"lion-streams-{name}-{Environment.ProcessId}");
        manual_seed(1);
        using (var made = new LlamaForCausalLM(config))
            HuggingFaceFolder.Save(made, folder, new ByteTokenizer(), bfloat16: true);
        LlamaForCausalLM first, second;
        ITextTokenizer tokenizer;
        try
        {
            (first, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder, sides.FirstKernels);
            (second, _) = HuggingFaceFolder.LoadWithTokenizer(folder, sides.SecondKernels);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        using var ownedFirst = first;
        using var ownedSecond = second;
        NudgeOffBFloat16(second);
        if (against == "libtorch")
            NudgeOffBFloat16(first);
        var prompts = SizesBenchmark.DemoExamples(tokenizer, counts.Max()).Select(e => tokenizer.Decode(e.Prompt)).ToList();
        Console.WriteLine($"{name}: {counts.Length} stream counts, {turns} turns each of {sides.FirstWords} and {sides.SecondWords}, " +
                          $"{get_num_threads()} threads, {FusedKernels.VectorBits}-bit vectors");

        var figures = new Dictionary<string, object?> { ["benchmark"] = "streams", ["shape"] = name, ["vector_bits"] = FusedKernels.VectorBits };
        foreach (int count in counts)
        {
            var batch = prompts.Take(count).ToList();
            // A first turn of each, not counted: the bfloat16 copies are made at the first step.
            SizesBenchmark.Generate(first, tokenizer, batch);
            SizesBenchmark.Generate(second, tokenizer, batch);
            // Which goes first alternates by turn, so neither always runs on the other's leftovers.
            var pairs = Enumerable.Range(0, turns).Select(turn =>
            {
                if (turn % 2 == 1)
                {
                    double before = SizesBenchmark.Generate(second, tokenizer, batch).Decoding;
                    return (First: SizesBenchmark.Generate(first, tokenizer, batch).Decoding, Second: before);
                }
                return (First: SizesBenchmark.Generate(first, tokenizer, batch).Decoding, Second: SizesBenchmark.Generate(second, tokenizer, batch).Decoding);
            }).ToList();
            var ratios = pairs.Select(p => p.First / p.Second).ToList();
            double one = Median.Of(pairs.Select(p => p.First).ToList()), other = Median.Of(pairs.Select(p => p.Second).ToList());
            figures[$"{sides.First}_{count}_tokens_per_s"] = Math.Round(one, 1);
            figures[$"{sides.Second}_{count}_tokens_per_s"] = Math.Round(other, 1);
            figures[$"{sides.First}_over_{sides.Second}_{count}"] = Math.Round(Median.Of(ratios), 3);
            Console.WriteLine($"  {count} streams: {sides.FirstWords} {one:F1} tokens/s, {sides.SecondWords} {other:F1}; turn by turn {string.Join(", ", ratios.Select(r => r.ToString("F2")))}");
        }
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }

    /// <summary>The two ways set against each other: their keys in the JSON line, their names in words, and the kernels each model is built with (null: the default).</summary>
    private sealed record Sides(string First, string Second, string FirstWords, string SecondWords,
        IReadOnlySet<FusedKernel>? FirstKernels, IReadOnlySet<FusedKernel>? SecondKernels);

    /// <summary>Every matrix times (1 + 1e-6): the same model to rounding, no longer bfloat16 values, so every step reads float32.</summary>
    private static void NudgeOffBFloat16(LlamaForCausalLM model)
    {
        using (no_grad())
        using (var nudge = (1 + 1e-6).ToScalar())
            foreach (var matrix in model.parameters().Where(p => p.dim() == 2))
                matrix.mul_(nudge);
    }
}
