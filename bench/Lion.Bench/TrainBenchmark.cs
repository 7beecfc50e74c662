using System.Diagnostics;
using System.Text.Json;
using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// Training speed of a demo-size student (about 3 M parameters) on this CPU, as model FLOPs
/// utilisation: the FLOPs a training step must do (6 per parameter per token, plus attention)
/// per second, against torch.matmul's own FLOPs per second on the same threads and dtype,
/// measured in the same run, in turns with the training steps. The steps are the trainer's: the
/// batch cut into one single-threaded share a core (<see cref="ShardedBackward"/>), so the peak
/// is the better of one product on all threads and one single-threaded product a core at once.
/// Each round also times the same step as one multi-threaded pass, and the peak the way earlier
/// versions took it (the median of seven single products), and the sharded step of a second model,
/// the same weights built without the fused kernels (<see cref="FusedKernels"/>), so each change
/// can be told apart. The products run in the precision the trainer would take here
/// (<see cref="BFloat16Probe"/>) unless told, and the peak is measured in that type; with bfloat16
/// products each round also times the float32 step against the float32 peak.
/// Medians of nine rounds after a warm-up. Arguments: [batch] [hidden size] [workers] [auto|bf16|fp32].
/// </summary>
internal static class TrainBenchmark
{
    public static int Run(string[] args)
    {
        // 16 sequences a step: the in-process student's default batch size.
        int batch = args.Length > 0 ? int.Parse(args[0]) : 16, length = 256;
        int hidden = args.Length > 1 ? int.Parse(args[1]) : 256;
        int workers = args.Length > 2 ? int.Parse(args[2]) : ShardedBackward.DefaultWorkers;
        var config = LlamaConfig.TinyByteLevel
            with { HiddenSize = hidden, IntermediateSize = hidden * 11 / 4, NumHiddenLayers = 4, NumAttentionHeads = hidden / 32, NumKeyValueHeads = hidden / 64 };
        // The trainer's own choice unless told: bfloat16 products where they pay on this CPU.
        double probed = BFloat16Probe.Speedup(config);
        bool useBFloat16 = (args.Length > 3 ? args[3] : "auto") switch
        {
            "auto" => probed >= BFloat16Probe.Threshold,
            "bf16" => true,
            "fp32" => false,
            var other => throw new ArgumentException($"precision '{other}': auto, bf16 or fp32"),
        };
        var productType = useBFloat16 ? ScalarType.BFloat16 : float32;
        manual_seed(1);
        using var model = new LlamaForCausalLM(config);
        long parameters = model.parameters().Sum(p => p.numel());
        // The trainer's own optimiser and passes, so the figure is what lion train does.
        var trainable = model.parameters().ToList();
        using var optimizer = new AdamWOptimizer(trainable, 1e-3, weightDecay: 0);
        using var sharded = new ShardedBackward(workers);
        using var onePass = new ShardedBackward(1);
        using var peakWorkers = new TorchWorkers(get_num_threads());
        var tokens = randint(0, 256, [batch, length], dtype: int64);
        // The same weights built to compute with libtorch's composed operations only.
        using var unfused = new LlamaForCausalLM(config, FusedKernels.Parse("0"));
        unfused.load_state_dict(model.state_dict());
        var unfusedTrainable = unfused.parameters().ToList();
        using var unfusedOptimizer = new AdamWOptimizer(unfusedTrainable, 1e-3, weightDecay: 0, fused: false);
        Console.WriteLine($"model {parameters:N0} parameters, batch {batch} × {length} tokens, {get_num_threads()} threads, {workers} workers, "
                          + $"products in {productType} (bfloat16 probed {probed:F2}× float32)");

        double StepsOf(LlamaForCausalLM stepped, List<TorchSharp.Modules.Parameter> parametersOf, AdamWOptimizer optimizerOf,
            ShardedBackward passes, int count, bool inBFloat16)
        {
            using var cast = stepped.Compute.BFloat16(inBFloat16);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                passes.Backward(stepped, parametersOf, tokens, tokens, scale: 1);
                nn.utils.clip_grad_norm_(parametersOf, 1.0);
                optimizerOf.Step();
                optimizerOf.ZeroGrad();
            }
            return clock.Elapsed.TotalSeconds / count;
        }
        double Steps(ShardedBackward passes, int count, bool inBFloat16) => StepsOf(model, trainable, optimizer, passes, count, inBFloat16);
        // The same sharded steps with libtorch's composed operations in place of the fused kernels.
        double UnfusedSteps(int count) => StepsOf(unfused, unfusedTrainable, unfusedOptimizer, sharded, count, useBFloat16);
        Steps(sharded, 2, useBFloat16);
        Steps(onePass, 1, useBFloat16);
        UnfusedSteps(1);
        if (useBFloat16)
            Steps(sharded, 1, inBFloat16: false);
        // PaLM's accounting: 6N per token for the matrices, 12·layers·hidden·length for attention scores.
        double flopsPerStep = (6.0 * parameters + 12.0 * config.NumHiddenLayers * config.HiddenSize * length) * batch * length;
        // Training and the matmul peak take turns, round by round and for as long as each other, so
        // a slow spell of this shared machine falls on both sides of a round's ratio; the figures
        // are medians over rounds. The peak is measured in the type the products run in.
        var rounds = Enumerable.Range(0, 9).Select(_ =>
        {
            double seconds = Steps(sharded, 2, useBFloat16);
            double peak = MatmulPeak(productType, peakWorkers, 2 * seconds);
            double burst = BurstPeak(productType);
            double onePassSeconds = Steps(onePass, 2, useBFloat16);
            double unfusedSeconds = UnfusedSteps(2);
            // With bfloat16 products, also the float32 step against the float32 peak.
            double float32Seconds = useBFloat16 ? Steps(sharded, 2, inBFloat16: false) : seconds;
            double float32Peak = useBFloat16 ? MatmulPeak(float32, peakWorkers, 2 * float32Seconds) : peak;
            return (Seconds: seconds, Peak: peak, Mfu: flopsPerStep / seconds / peak, BurstMfu: flopsPerStep / seconds / burst,
                OnePassSeconds: onePassSeconds, UnfusedSeconds: unfusedSeconds,
                Float32Seconds: float32Seconds, Float32Peak: float32Peak, Float32Mfu: flopsPerStep / float32Seconds / float32Peak);
        }).ToList();
        double Middle(Func<(double Seconds, double Peak, double Mfu, double BurstMfu, double OnePassSeconds, double UnfusedSeconds,
            double Float32Seconds, double Float32Peak, double Float32Mfu), double> figure) => Median.Of(rounds.Select(figure).ToList());
        double tokensPerSecond = batch * length / Middle(r => r.Seconds);
        double onePassTokensPerSecond = batch * length / Middle(r => r.OnePassSeconds);
        double float32TokensPerSecond = batch * length / Middle(r => r.Float32Seconds);
        double modelFlops = flopsPerStep / (batch * length) * tokensPerSecond;
        double medianPeak = Middle(r => r.Peak);
        double mfu = Middle(r => r.Mfu);
        // Why not bfloat16 everywhere: where its products are emulated they are slower, measured here too.
        double bf16 = MatmulPeak(ScalarType.BFloat16, peakWorkers, 2), fp32 = useBFloat16 ? Middle(r => r.Float32Peak) : medianPeak;
        Console.WriteLine($"{tokensPerSecond:N0} tokens/s ({onePassTokensPerSecond:N0} as one pass, {float32TokensPerSecond:N0} in float32); model {modelFlops / 1e9:F2} GFLOP/s; "
                          + $"{productType} matmul peak {medianPeak / 1e9:F2} GFLOP/s; MFU per round {string.Join(", ", rounds.Select(r => r.Mfu.ToString("F3")))}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "train",
            parameters,
            dtype = productType.ToString().ToLowerInvariant(),
            tokens_per_s = Math.Round(tokensPerSecond),
            model_flops_per_s = Math.Round(modelFlops),
            matmul_peak_flops_per_s = Math.Round(medianPeak),
            mfu = Math.Round(mfu, 3),
            mfu_against_burst_peak = Math.Round(Middle(r => r.BurstMfu), 3),
            one_pass_tokens_per_s = Math.Round(onePassTokensPerSecond),
            sharded_over_one_pass = Math.Round(Middle(r => r.OnePassSeconds / r.Seconds), 3),
            fused_over_libtorch_ops = Math.Round(Middle(r => r.UnfusedSeconds / r.Seconds), 3),
            vector_bits = FusedKernels.VectorBits,
            fused_kernels = model.Compute.Kernels.Order().Select(k => Lion.Core.Vocabulary<FusedKernel>.Word(k)).ToArray(),
            float32_tokens_per_s = Math.Round(float32TokensPerSecond),
            float32_mfu = Math.Round(Middle(r => r.Float32Mfu), 3),
            over_float32_steps = Math.Round(Middle(r => r.Float32Seconds / r.Seconds), 3),
            bf16_probe_speedup = Math.Round(probed, 3),
            bf16_matmul_flops_per_s = Math.Round(bf16),
            fp32_matmul_flops_per_s = Math.Round(fp32),
            bf16_over_fp32 = Math.Round(bf16 / fp32, 3),
            threads = get_num_threads(),
            workers,
        }));
        return 0;
    }

    /// <summary>The peak as earlier versions took it: the median of seven square products on all threads, after three.</summary>
    private static double BurstPeak(ScalarType type)
    {
        const int n = 1024;
        using var a = randn(n, n).to(type);
        using var b = randn(n, n).to(type);
        for (int i = 0; i < 3; i++) matmul(a, b).Dispose();
        return Median.Of(Enumerable.Range(0, 7).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            matmul(a, b).Dispose();
            return 2.0 * n * n * n / clock.Elapsed.TotalSeconds;
        }).ToList());
    }

    /// <summary>
    /// What torch.matmul does here for <paramref name="seconds"/>: square products in the given
    /// type, first one at a time on all threads, then one single-threaded on each worker at once,
    /// each for half the time and after one product that is not timed (threads that have slept
    /// wake up slower); the better of the two rates.
    /// </summary>
    internal static double MatmulPeak(ScalarType type, TorchWorkers workers, double seconds)
    {
        const int n = 1024;
        const double flops = 2.0 * n * n * n;
        using var a = randn(n, n).to(type);
        using var b = randn(n, n).to(type);
        double Rate(Action products, int count)
        {
            products();
            int rounds = 0;
            var clock = Stopwatch.StartNew();
            for (; clock.Elapsed.TotalSeconds < seconds / 2; rounds++)
                products();
            return rounds * count * flops / clock.Elapsed.TotalSeconds;
        }
        double shared = Rate(() => matmul(a, b).Dispose(), 1);
        double apart = Rate(() => workers.Run(_ => matmul(a, b).Dispose()), workers.Count);
        return Math.Max(shared, apart);
    }
}
