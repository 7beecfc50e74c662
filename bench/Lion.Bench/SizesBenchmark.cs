using System.Diagnostics;
using System.Text.Json;
using LLama.Native;
using Lion.Core.Config;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
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
/// Qwen2.5-0.5B's exact configs, random weights and lion's byte-level tokenizer.json saved as a
/// checkpoint folder and loaded as `--base` loads one. Per shape: full and LoRA fine-tuning (the
/// trainer itself, on the demo's examples, 16 a step; LoRA as 8 × 2 accumulated) in float32 and
/// bfloat16 products — tokens/s (every position of the batch) and seconds per 1,000 examples at the
/// steady rate after the first optimiser step, what a run pays once beside it, MFU against torch's
/// matmul peak in that type measured here (the better of just before and just after), peak RSS
/// (VmHWM, reset before each);
/// greedy generation of 128 tokens past EOS, one stream and 16 batched, against llama.cpp
/// (LLamaSharp) on the same weights exported as F32 GGUF, one stream (turn about after a first
/// turn not counted; the median of the turns' ratios, and their least and greatest), and 16
/// against one alike (every other turn) — with generation alone (0 steps), first as loaded, the
/// weights bfloat16 values and llama.cpp's GGUF BF16 (keys "bf16_…"); and the time one Lion iteration at the paper's sizes
/// would take (6,000 examples trained for 3 epochs, a 58,000-instruction cache pool answered, 128
/// tokens an answer). Arguments: [135m|0.5b] [steps of 16 examples, at least 2; 0: generation
/// only] [lora|full] [micro-batch] [fp32|bf16] [checkpointed: gradient checkpointing].
/// </summary>
internal static class SizesBenchmark
{
    private const int Batch = 16;
    // LoRA's bfloat16 steps ran faster at 8 rows than at 4 (fewer, wider products) and no faster at
    // 16, which holds twice the activations; a full fine-tune pays per micro-batch for every
    // weight's gradient (the tied embedding's a dense one).
    private const int LoraMicroBatch = 8, FullMicroBatch = 16;
    private const int NewTokens = 128;

    internal static readonly Dictionary<string, LlamaConfig> Shapes = new()
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
        int steps = args.Length > 1 ? int.Parse(args[1]) : 4;
        if (steps == 1)
            throw new ArgumentException("steps: 0 (generation only) or at least 2 (the first is not counted in the rate)");
        int? micro = args.Length > 3 ? int.Parse(args[3]) : null;
        bool[] lora = args.Length > 2 ? args[2] switch
        {
            "lora" => [true],
            "full" => [false],
            _ => throw new ArgumentException($"fine-tune \"{args[2]}\": lora or full"),
        } : [true, false];
        // One precision alone where the other is not worth the wait (bfloat16 without native
        // bfloat16 products runs several times slower than float32).
        TrainingPrecision[] precisions = args.Length > 4 ? args[4] switch
        {
            "fp32" => [TrainingPrecision.Float32],
            "bf16" => [TrainingPrecision.BFloat16],
            _ => throw new ArgumentException($"precision \"{args[4]}\": fp32 or bf16"),
        } : [TrainingPrecision.Float32, TrainingPrecision.BFloat16];
        bool checkpointed = args.Length > 5 && (args[5] == "checkpointed"
            ? true : throw new ArgumentException($"\"{args[5]}\": checkpointed (each layer computed again in backward) or nothing"));
        foreach (var name in names)
            Console.WriteLine(JsonSerializer.Serialize(Shape(name, Shapes.TryGetValue(name, out var config) ? config
                : throw new ArgumentException($"shape \"{name}\": {string.Join(" or ", Shapes.Keys)}"), steps, lora, micro, precisions, checkpointed)));
        return 0;
    }

    private static Dictionary<string, object?> Shape(string name, LlamaConfig config, int steps, bool[] fineTunes, int? micro, TrainingPrecision[] precisions,
        bool checkpointed)
    {
        // A checkpoint folder of the shape (random weights, lion's byte-level tokenizer.json), in
        // bfloat16 as both checkpoints are published, loaded as `lion train --base FOLDER` loads one.
        string folder = Path.Combine(Path.GetTempPath(), $"lion-sizes-{name}-{Environment.ProcessId}");
        manual_seed(1);
        using (var made = new LlamaForCausalLM(config))
            HuggingFaceFolder.Save(made, folder, new ByteTokenizer(), bfloat16: true);
        LlamaForCausalLM model;
        ITextTokenizer tokenizer;
        try
        {
            (model, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        using var owned = model;
        var examples = DemoExamples(tokenizer, Batch * Math.Max(steps, 1));
        double positions = examples.Average(e => e.Prompt.Length + e.Answer.Length + 1.0);
        long parameters = model.parameters().Sum(p => p.numel());
        int threads = get_num_threads();
        long loaded = ResidentMegabytes();
        Console.WriteLine($"{name}: {parameters:N0} parameters, loaded in {loaded:N0} MB, {examples.Count} demo examples of {positions:F0} positions, {threads} threads");
        using var workers = new TorchWorkers(threads);
        // Model FLOPs of one example as the trainer computes it: every projection at every position,
        // the vocabulary's (the tied embedding) only where a label teaches, causal attention's two
        // products; a full step is three passes' worth (forward, both gradients), LoRA two (its
        // frozen weights get no gradient).
        double head = (double)config.VocabSize * config.HiddenSize;
        double projections = parameters - (config.TieWordEmbeddings ? head : 2 * head);
        double onePass = examples.Average(e =>
        {
            double length = e.Prompt.Length + e.Answer.Length + 1.0, taught = e.Answer.Length + 1.0;
            return 2 * (projections * length + head * taught + config.NumHiddenLayers * length * length * config.HiddenSize);
        });

        var figures = new Dictionary<string, object?> { ["benchmark"] = "sizes", ["shape"] = name, ["parameters"] = parameters, ["threads"] = threads, ["loaded_rss_mb"] = loaded };
        var secondsPerExample = new Dictionary<string, double>();
        var mfu = new Dictionary<string, double>();
        var faster = new Dictionary<string, string>();
        // LoRA first: its peak is read before a full step's optimiser state exists.
        foreach (bool lora in steps > 0 ? fineTunes : [])
            foreach (var precision in precisions)
            {
                string key = $"{(lora ? "lora" : "full")}_{(precision == TrainingPrecision.Float32 ? "fp32" : "bf16")}{(checkpointed ? "_checkpointed" : "")}";
                int rows = micro ?? (lora ? LoraMicroBatch : FullMicroBatch);
                var options = new TrainingOptions
                {
                    Epochs = 1, BatchSize = rows, AccumulationSteps = Batch / rows, MaxLength = 512, LearningRate = 1e-5, Precision = precision,
                    Lora = lora ? new LoraOptions { Merge = false } : null, GradientCheckpointing = checkpointed,
                };
                // One step not timed: the kernels compile, the allocator grows.
                new SftTrainer(options).Train(model, examples.Take(Batch).ToList());
                if (lora) model.UnloadLora();
                // The peak is the measured run's alone, as a new process's run would have it: what
                // the step above left in its threads' heaps is handed back first.
                ResetPeak();
                // The matmul peak in the products' type, measured just before and just after: this
                // shared machine's rate moves from one minute to the next, and a peak read in a slow
                // minute would lift the MFU of a run in a fast one.
                var type = precision == TrainingPrecision.Float32 ? float32 : ScalarType.BFloat16;
                double before = TrainBenchmark.MatmulPeak(type, workers, 4);
                // The rate is the steady one, from the first optimiser step's end to the last's, as
                // over a real fine-tune of thousands of examples; what a run pays once (adapters
                // attached, frozen weights held and returned, the first step's fresh memory) is
                // reported apart.
                var clock = Stopwatch.StartNew();
                TimeSpan first = default, last = default;
                var trainer = new SftTrainer(options, line => Console.WriteLine($"  {key}{line}"))
                {
                    StepDone = step => (first, last) = (step == 1 ? clock.Elapsed : first, clock.Elapsed),
                };
                var report = trainer.Train(model, examples);
                double total = clock.Elapsed.TotalSeconds;
                long peakRss = PeakMegabytes();
                double after = TrainBenchmark.MatmulPeak(type, workers, 4), peak = Math.Max(before, after);
                if (lora) model.UnloadLora();
                double perExample = (last - first).TotalSeconds / (examples.Count - Batch);
                double seconds = perExample * examples.Count;
                double tokensPerSecond = examples.Count * positions / seconds;
                double flops = (lora ? 2 : 3) * onePass * examples.Count / seconds;
                secondsPerExample[key] = perExample;
                mfu[key] = flops / peak;
                figures[$"{key}_once_s"] = Math.Round(total - seconds, 1);
                figures[$"{key}_tokens_per_s"] = Math.Round(tokensPerSecond);
                figures[$"{key}_mfu"] = Math.Round(flops / peak, 3);
                figures[$"{key}_peak_rss_mb"] = peakRss;
                figures[$"{key}_s_per_1000_examples"] = Math.Round(1000 * perExample, 1);
                Console.WriteLine($"  {key}: {tokensPerSecond:N0} tokens/s, MFU {flops / peak:F3} (matmul peak {before / 1e9:F0} GFLOP/s before, {after / 1e9:F0} after), "
                                  + $"peak RSS {peakRss:N0} MB, {1000 * perExample:F0} s per 1,000 examples "
                                  + $"(and {total - seconds:F1} s once a run), loss {report.FirstEpochLoss:F2}");
            }
        if (mfu.Count > 0)
        {
            // The faster precision's figures (of those measured): what a user gets when the trainer chooses.
            foreach (var group in secondsPerExample.GroupBy(pair => pair.Key.Split('_')[0]))
                faster[group.Key] = group.MinBy(pair => pair.Value).Key;
            figures["finetune_mfu"] = Math.Round(faster.Values.Max(k => mfu[k]), 3);
            if (faster.TryGetValue("lora", out var loraKey))
                figures["lora_peak_rss_mb"] = figures[$"{loraKey}_peak_rss_mb"];
        }

        var prompts = examples.Take(Batch).Select(e => tokenizer.Decode(e.Prompt)).ToList();
        // As loaded, the matrices hold bfloat16 values (the checkpoint is stored so), and a few
        // streams decode from their bfloat16 copies; llama.cpp then reads the same bytes, a BF16
        // GGUF. Generation alone measures that first, then float32 weights (nudged off bfloat16)
        // against an F32 GGUF; after a fine-tune the weights are float32 already.
        if (steps == 0)
        {
            Answers(model, tokenizer, prompts, threads, GgufType.BF16, figures, "bf16_");
            using (no_grad())
            using (var nudge = (1 + 1e-6).ToScalar())
                foreach (var matrix in model.parameters().Where(p => p.dim() == 2))
                    matrix.mul_(nudge);
            model.WeightsChanged();
        }
        var many = Answers(model, tokenizer, prompts, threads, GgufType.F32, figures, "");
        if (faster.Count == 0)
            return figures;

        // The paper's iteration: 6,000 new instructions trained for 3 epochs, a cache pool of 58,000 answered.
        double answer = 58_000 * 128 / many.WithPrompt;
        foreach (var (kind, key) in faster)
        {
            double hours = (6000 * 3 * secondsPerExample[key] + answer) / 3600;
            figures[$"projected_iteration_hours_{kind}"] = Math.Round(hours, 1);
            Console.WriteLine($"  a paper-size iteration, {kind} fine-tune: {hours:F1} h");
        }
        return figures;
    }

    /// <summary>
    /// One stream turn about with llama.cpp on the same weights as a GGUF of <paramref name="type"/>,
    /// 16 streams every other turn; the figures under keys that start with <paramref name="prefix"/>.
    /// </summary>
    private static Generated Answers(LlamaForCausalLM model, ITextTokenizer tokenizer, List<string> prompts, int threads, GgufType type,
        Dictionary<string, object?> figures, string prefix)
    {
        figures[prefix + "decoding_weights"] = type == GgufType.BF16 ? "bfloat16" : "float32";
        string gguf = Path.Combine(Path.GetTempPath(), $"lion-sizes-{Environment.ProcessId}.gguf");
        Generated one, theirs;
        var batched = new List<(Generated Many, Generated One)>();
        try
        {
            GgufExport.Write(model, gguf, type, paddedVocabulary: true);
            // The file on disk before any timing: its writeback would otherwise run through the
            // first turns, on the memory both sides read.
            using (var written = new FileStream(gguf, FileMode.Open, FileAccess.ReadWrite))
                written.Flush(flushToDisk: true);
            int[] first = [ByteTokenizer.Bos, .. tokenizer.Encode(prompts[0])];
            // Turn about, so both sides see the same moments of this shared machine; the first turn
            // (either side's first-use costs) is not counted.
            var ours = new List<Generated>();
            var llama = new List<Generated>();
            for (int run = 0; run <= 7; run++)
            {
                var mine = Generate(model, tokenizer, prompts.Take(1).ToList());
                // Every other turn, the 16 streams too, beside the one stream they are set against.
                var sixteen = run % 2 == 1 ? Generate(model, tokenizer, prompts) : null;
                var (withPrompt, decoding) = GenerateBenchmark.LlamaCpp(gguf, [first], NewTokens, eos: -1, threads);
                if (run == 0)
                {
                    Console.WriteLine($"  {prefix}first turn, not counted: {mine.Decoding:F1} tokens/s (llama.cpp {decoding:F1})");
                    continue;
                }
                ours.Add(mine);
                llama.Add(new Generated(withPrompt, decoding, 0));
                if (sixteen is not null)
                    batched.Add((sixteen, mine));
            }
            (one, theirs) = (Generated.Median(ours), Generated.Median(llama));
            // Each turn's ratio, ours over theirs a moment apart: the machine's memory rate drifts
            // between turns and between runs, and a pair shares its moment.
            var ratios = ours.Zip(llama, (o, l) => o.Decoding / l.Decoding).ToList();
            figures[prefix + "generate_over_llamacpp"] = Math.Round(Median.Of(ratios), 3);
            figures[prefix + "generate_over_llamacpp_with_prompt"] = Math.Round(Median.Of(ours.Zip(llama, (o, l) => o.WithPrompt / l.WithPrompt).ToList()), 3);
            figures[prefix + "generate_over_llamacpp_turns_min"] = Math.Round(ratios.Min(), 3);
            figures[prefix + "generate_over_llamacpp_turns_max"] = Math.Round(ratios.Max(), 3);
            Console.WriteLine($"  {prefix}one stream against llama.cpp, turn by turn: {string.Join(", ", ratios.Select(r => r.ToString("F3")))}");
        }
        finally
        {
            File.Delete(gguf);
        }
        var many = Generated.Median(batched.Select(b => b.Many).ToList());
        var batchedRatios = batched.Select(b => b.Many.Decoding / b.One.Decoding).ToList();
        // The decoding steps alone (llama-bench's "tg"), then with the prompts' reading counted.
        figures[prefix + "generate_one_tokens_per_s"] = Math.Round(one.Decoding, 1);
        figures[prefix + "generate_16_tokens_per_s"] = Math.Round(many.Decoding, 1);
        figures[prefix + "llama_cpp_one_tokens_per_s"] = Math.Round(theirs.Decoding, 1);
        // Turn by turn, as against llama.cpp: each 16 against the one stream run just before it.
        figures[prefix + "batched_over_one"] = Math.Round(Median.Of(batchedRatios), 3);
        figures[prefix + "batched_over_one_turns_min"] = Math.Round(batchedRatios.Min(), 3);
        figures[prefix + "batched_over_one_turns_max"] = Math.Round(batchedRatios.Max(), 3);
        figures[prefix + "prompt_tokens_per_s_16"] = Math.Round(many.PromptTokensPerSecond);
        figures[prefix + "generate_one_with_prompt_tokens_per_s"] = Math.Round(one.WithPrompt, 1);
        figures[prefix + "generate_16_with_prompt_tokens_per_s"] = Math.Round(many.WithPrompt, 1);
        figures[prefix + "llama_cpp_one_with_prompt_tokens_per_s"] = Math.Round(theirs.WithPrompt, 1);
        figures[prefix + "batched_over_one_with_prompt"] = Math.Round(Median.Of(batched.Select(b => b.Many.WithPrompt / b.One.WithPrompt).ToList()), 3);

        Console.WriteLine($"  {prefix}decoding: one stream {one.Decoding:F1} tokens/s (llama.cpp {theirs.Decoding:F1}), 16 streams {many.Decoding:F1} tokens/s, " +
                          $"{Median.Of(batchedRatios):F2}× one (turns {string.Join(", ", batchedRatios.Select(r => r.ToString("F2")))})");
        Console.WriteLine($"  {prefix}with the prompts read: one stream {one.WithPrompt:F1} tokens/s (llama.cpp {theirs.WithPrompt:F1}), 16 streams {many.WithPrompt:F1} tokens/s " +
                          $"(16 prompts read at {many.PromptTokensPerSecond:F0} tokens/s)");
        return many;
    }

    /// <summary>Demo-style examples: BBH-format items of the demo's families at their two easiest sizes, prompt and bare answer.</summary>
    internal static List<(int[] Prompt, int[] Answer)> DemoExamples(ITextTokenizer tokenizer, int count)
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

    /// <summary>Generation speeds, tokens per second: with the prompts' reading counted, of the decoding steps alone, and of the prompts' reading.</summary>
    internal sealed record Generated(double WithPrompt, double Decoding, double PromptTokensPerSecond)
    {
        /// <summary>Each figure's median over the runs.</summary>
        public static Generated Median(IReadOnlyList<Generated> runs) => new(
            Lion.Bench.Median.Of(runs.Select(r => r.WithPrompt).ToList()), Lion.Bench.Median.Of(runs.Select(r => r.Decoding).ToList()),
            Lion.Bench.Median.Of(runs.Select(r => r.PromptTokensPerSecond).ToList()));
    }

    /// <summary>
    /// Greedy decoding of the prompts as one batch, each to the token limit (a fine-tuned model may
    /// say EOS first), counted as generated: each row's first token comes with the prompts' reading,
    /// the rest from the decoding steps.
    /// </summary>
    internal static Generated Generate(LlamaForCausalLM model, ITextTokenizer tokenizer, List<string> prompts)
    {
        var clock = Stopwatch.StartNew();
        using var batch = new DecodingBatch(model, tokenizer);
        var rows = prompts.Select(p => batch.Row(p, new SamplingOptions { MaxNewTokens = NewTokens, IgnoreEos = true })).ToList();
        batch.Admit(rows);
        var read = clock.Elapsed;
        for (batch.Remove(r => r.FinishReason is not null); batch.Rows.Count > 0; batch.Remove(r => r.FinishReason is not null))
            batch.Step();
        var elapsed = clock.Elapsed;
        long generated = rows.Sum(r => r.Generated.Count);
        return new(generated / elapsed.TotalSeconds, (generated - rows.Count) / (elapsed - read).TotalSeconds,
            rows.Sum(r => r.Prompt.Count) / read.TotalSeconds);
    }

    /// <summary>
    /// Starts the peak afresh, from memory as a new process would hold it: what earlier runs freed
    /// is handed back first (the trainer's allocator keeps freed memory for its next step).
    /// </summary>
    private static void ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GlibcHeap.ReturnFreedMemory();
        if (OperatingSystem.IsLinux())
            File.WriteAllText("/proc/self/clear_refs", "5");
    }

    private static long ResidentMegabytes() => OperatingSystem.IsLinux()
        ? long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]) / 1024
        : Environment.WorkingSet >> 20;

    private static long PeakMegabytes() => OperatingSystem.IsLinux()
        ? long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]) / 1024
        : Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
}
