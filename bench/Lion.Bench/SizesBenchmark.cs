using System.Diagnostics;
using System.Text.Json;
using LLama.Native;
using Lion.Core.Config;
using Lion.Core.Prompts;
using Lion.Torch.Export;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using Microsoft.Extensions.AI;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// The in-process student at the sizes people distil into on a CPU: SmolLM2-135M's and
/// Qwen2.5-0.5B's exact configs with random weights and lion's byte-level tokenizer.json. Per
/// shape: full and LoRA fine-tuning (the trainer itself, on the demo's examples, batch 16) in
/// float32 and bfloat16 products — tokens/s (every position of the batch), MFU against torch's
/// matmul peak in that type measured here, peak RSS (VmHWM, reset before each), seconds per 1,000
/// examples; greedy generation, one stream and 16 batched, against llama.cpp (LLamaSharp) on the
/// same weights exported as F32 GGUF, one stream; and the time one Lion iteration at the paper's
/// sizes would take (6,000 examples trained for 3 epochs, a 58,000-instruction cache pool answered,
/// 128 tokens an answer). Model FLOPs: 6 per parameter per position for a full step, 4 for LoRA
/// (its frozen weights get no gradient), plus attention's. Arguments: [135m|0.5b] [steps].
/// </summary>
internal static class SizesBenchmark
{
    private const int Batch = 16;
    private const int NewTokens = 32;

    private static readonly Dictionary<string, LlamaConfig> Shapes = new()
    {
        ["135m"] = new()
        {
            Architecture = "LlamaForCausalLM", VocabSize = 49_152, HiddenSize = 576, IntermediateSize = 1536, NumHiddenLayers = 30,
            NumAttentionHeads = 9, NumKeyValueHeads = 3, RmsNormEps = 1e-5, RopeTheta = 100_000, MaxPositionEmbeddings = 8192,
            TieWordEmbeddings = true, BosTokenId = ByteTokenizer.Bos, EosTokenId = ByteTokenizer.Eos,
        },
        ["0.5b"] = new()
        {
            Architecture = "Qwen2ForCausalLM", VocabSize = 151_936, HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24,
            NumAttentionHeads = 14, NumKeyValueHeads = 2, RmsNormEps = 1e-6, RopeTheta = 1_000_000, MaxPositionEmbeddings = 32_768,
            TieWordEmbeddings = true, BosTokenId = ByteTokenizer.Bos, EosTokenId = ByteTokenizer.Eos,
        },
    };

    public static int Run(string[] args)
    {
        NativeLibraryConfig.All.WithLogCallback((_, _) => { });
        var names = args.Length > 0 ? [args[0]] : Shapes.Keys.ToArray();
        int steps = args.Length > 1 ? int.Parse(args[1]) : 2;
        foreach (var name in names)
            Console.WriteLine(JsonSerializer.Serialize(Shape(name, Shapes.TryGetValue(name, out var config) ? config
                : throw new ArgumentException($"shape \"{name}\": {string.Join(" or ", Shapes.Keys)}"), steps)));
        return 0;
    }

    private static Dictionary<string, object?> Shape(string name, LlamaConfig config, int steps)
    {
        var tokenizer = new ByteTokenizer();
        var examples = DemoExamples(tokenizer, Batch * steps);
        double positions = examples.Average(e => e.Prompt.Length + e.Answer.Length + 1.0);
        manual_seed(1);
        using var model = new LlamaForCausalLM(config);
        long parameters = model.parameters().Sum(p => p.numel());
        int threads = get_num_threads();
        Console.WriteLine($"{name}: {parameters:N0} parameters, {examples.Count} demo examples of {positions:F0} positions, {threads} threads");
        using var workers = new TorchWorkers(threads);
        double fp32Peak = TrainBenchmark.MatmulPeak(float32, workers, 4), bf16Peak = TrainBenchmark.MatmulPeak(ScalarType.BFloat16, workers, 4);
        double attention = 12.0 * config.NumHiddenLayers * config.HiddenSize * positions;

        var figures = new Dictionary<string, object?> { ["benchmark"] = "sizes", ["shape"] = name, ["parameters"] = parameters, ["threads"] = threads };
        var secondsPerExample = new Dictionary<string, double>();
        var mfu = new Dictionary<string, double>();
        // LoRA first: its peak is read before a full step's optimiser state exists.
        foreach (bool lora in new[] { true, false })
            foreach (var precision in new[] { TrainingPrecision.Float32, TrainingPrecision.BFloat16 })
            {
                string key = $"{(lora ? "lora" : "full")}_{(precision == TrainingPrecision.Float32 ? "fp32" : "bf16")}";
                ResetPeak();
                var options = new TrainingOptions
                {
                    Epochs = 1, BatchSize = Batch, MaxLength = 512, LearningRate = 1e-5, Precision = precision,
                    Lora = lora ? new LoraOptions { Merge = false } : null,
                };
                // One step not timed: the kernels compile, the allocator grows.
                new SftTrainer(options).Train(model, examples.Take(Batch).ToList());
                if (lora) model.MergeLora();
                var clock = Stopwatch.StartNew();
                new SftTrainer(options).Train(model, examples);
                double seconds = clock.Elapsed.TotalSeconds;
                if (lora) model.MergeLora();
                double tokensPerSecond = examples.Count * positions / seconds;
                double flops = ((lora ? 4.0 : 6.0) * parameters * positions + attention) * examples.Count / seconds;
                double peak = precision == TrainingPrecision.Float32 ? fp32Peak : bf16Peak;
                secondsPerExample[key] = seconds / examples.Count;
                mfu[key] = flops / peak;
                figures[$"{key}_tokens_per_s"] = Math.Round(tokensPerSecond);
                figures[$"{key}_mfu"] = Math.Round(flops / peak, 3);
                figures[$"{key}_peak_rss_mb"] = PeakMegabytes();
                figures[$"{key}_s_per_1000_examples"] = Math.Round(1000 * seconds / examples.Count, 1);
                Console.WriteLine($"  {key}: {tokensPerSecond:N0} tokens/s, MFU {flops / peak:F3}, peak RSS {PeakMegabytes():N0} MB, {1000 * seconds / examples.Count:F0} s per 1,000 examples");
            }
        figures["finetune_mfu"] = Math.Round(Math.Max(mfu["full_fp32"], mfu["full_bf16"]), 3);
        figures["lora_peak_rss_mb"] = Math.Max((long)figures["lora_fp32_peak_rss_mb"]!, (long)figures["lora_bf16_peak_rss_mb"]!);

        var prompts = examples.Take(Batch).Select(e => tokenizer.Decode(e.Prompt)).ToList();
        double one = Median.Of(Enumerable.Range(0, 3).Select(_ => Generate(model, tokenizer, prompts.Take(1).ToList())).ToList());
        double batched = Median.Of(Enumerable.Range(0, 3).Select(_ => Generate(model, tokenizer, prompts)).ToList());
        double? theirs = null;
        // lion's GGUF export covers the LLaMA layout; a Qwen2 shape has no llama.cpp side here.
        if (config.Architecture != "Qwen2ForCausalLM")
        {
            string gguf = Path.Combine(Path.GetTempPath(), $"lion-sizes-{Environment.ProcessId}.gguf");
            try
            {
                GgufExport.Write(model, gguf, paddedVocabulary: true);
                int[] first = [ByteTokenizer.Bos, .. tokenizer.Encode(prompts[0])];
                theirs = Median.Of(Enumerable.Range(0, 3).Select(_ => GenerateBenchmark.LlamaCpp(gguf, [first], NewTokens, ByteTokenizer.Eos, threads)).ToList());
            }
            finally
            {
                File.Delete(gguf);
            }
        }
        figures["generate_one_tokens_per_s"] = Math.Round(one, 1);
        figures["generate_16_tokens_per_s"] = Math.Round(batched, 1);
        figures["llama_cpp_one_tokens_per_s"] = theirs is { } rate ? Math.Round(rate, 1) : null;
        figures["generate_over_llamacpp"] = theirs is { } llama ? Math.Round(one / llama, 3) : null;
        figures["batched_over_one"] = Math.Round(batched / one, 3);

        // The paper's iteration: 6,000 new instructions trained for 3 epochs, a cache pool of 58,000 answered.
        double train = 6000 * 3 * secondsPerExample.Where(s => s.Key.StartsWith("full", StringComparison.Ordinal)).Min(s => s.Value);
        double trainLora = 6000 * 3 * secondsPerExample.Where(s => s.Key.StartsWith("lora", StringComparison.Ordinal)).Min(s => s.Value);
        double answer = 58_000 * 128 / batched;
        figures["projected_iteration_hours_full"] = Math.Round((train + answer) / 3600, 1);
        figures["projected_iteration_hours_lora"] = Math.Round((trainLora + answer) / 3600, 1);
        Console.WriteLine($"  generation: one stream {one:F1} tokens/s (llama.cpp {(theirs is { } r ? r.ToString("F1") : "not run")}), 16 streams {batched:F1} tokens/s; " +
                          $"a paper-size iteration: {(train + answer) / 3600:F1} h full, {(trainLora + answer) / 3600:F1} h LoRA");
        return figures;
    }

    /// <summary>Demo-style examples: BBH-format items of the demo's families at their two easiest sizes, prompt and bare answer.</summary>
    private static List<(int[] Prompt, int[] Answer)> DemoExamples(ByteTokenizer tokenizer, int count)
    {
        var random = new Random(5);
        var families = new[] { "dyck_languages", "object_counting", "web_of_lies" }.Select(Oracle.Oracle.Family).ToList();
        return Enumerable.Range(0, count).Select(i =>
        {
            var family = families[i % families.Count];
            var cells = family.Sizes.Take(2).SelectMany(size => family.Variants.Where(variant => family.Exists(size, variant)).Select(variant => (size, variant))).ToList();
            var (size, variant) = cells[random.Next(cells.Count)];
            var item = family.Generate(random, size, variant);
            return (tokenizer.Encode(StudentPrompt.Format(PromptFormat.Plain, item.Input, "")), tokenizer.Encode(item.Target));
        }).ToList();
    }

    private static double Generate(LlamaForCausalLM model, ByteTokenizer tokenizer, List<string> prompts)
    {
        var clock = Stopwatch.StartNew();
        var answers = new TextGenerator(model, tokenizer).CompleteAll(prompts, new SamplingOptions { MaxNewTokens = NewTokens });
        double seconds = clock.Elapsed.TotalSeconds;
        return answers.Sum(a => tokenizer.Encode(a.Text).Length + (a.FinishReason == ChatFinishReason.Stop ? 1 : 0)) / seconds;
    }

    private static void ResetPeak()
    {
        if (OperatingSystem.IsLinux())
            File.WriteAllText("/proc/self/clear_refs", "5");
    }

    private static long PeakMegabytes() => OperatingSystem.IsLinux()
        ? long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]) / 1024
        : Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
}
