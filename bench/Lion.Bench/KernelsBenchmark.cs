using System.Diagnostics;
using System.Text.Json;
using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// Each fused kernel against libtorch's operations for the same function, alone, in float32, on
/// one thread as a trainer's worker runs: a worker's share of the demo-size student's step (8
/// sequences × 256 positions × hidden 256) through the norm, the MLP and attention, forward and
/// backward, AdamW's update of the whole model's parameters, and the head with the loss (over the
/// byte-level vocabulary, and over SmolLM2-135M's). The two paths take turns, and
/// each figure is the median of its repetitions, so a slow spell of a shared machine falls on both.
/// A whole training step (`train`) dilutes these with the products; this says which kernel gains
/// what on this CPU. Arguments: [repetitions, 31 unless given] [kernels, e.g. attention,swiglu: all unless given].
/// </summary>
internal static class KernelsBenchmark
{
    public static int Run(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0]) : 31;
        // Freed memory kept for the next pass, as the trainer keeps it: otherwise each pass pays
        // for fresh pages, more or less by chance, and the figures swing by several times.
        GlibcHeap.KeepFreedMemory();
        set_num_threads(1);
        manual_seed(1);
        var config = LlamaConfig.TinyByteLevel with { HiddenSize = 256, IntermediateSize = 704, NumHiddenLayers = 4, NumAttentionHeads = 8, NumKeyValueHeads = 4 };
        // Each block built twice, with its kernel and without, on the same weights.
        var fused = new ModelCompute(FusedKernels.Parse("1"));
        var plain = ModelCompute.WithoutKernels();
        using var norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, fused);
        using var plainNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, plain);
        using var mlp = new LlamaMlp(config, fused);
        using var plainMlp = new LlamaMlp(config, plain);
        using var attention = new LlamaAttention(config, fused);
        using var plainAttention = new LlamaAttention(config, plain);
        plainMlp.load_state_dict(mlp.state_dict());
        plainAttention.load_state_dict(attention.state_dict());
        using var model = new LlamaForCausalLM(config);
        var parameters = model.parameters().ToList();
        foreach (var p in parameters)
            p.grad = randn_like(p) * 1e-3;
        using var optimizer = new AdamWOptimizer(parameters, 1e-3, weightDecay: 0.01);
        using var plainOptimizer = new AdamWOptimizer(parameters, 1e-3, weightDecay: 0.01, fused: false);
        var x = randn(8, 256, config.HiddenSize).requires_grad_(true);

        void Pass(nn.Module<Tensor, Tensor> module, ModelCompute compute)
        {
            using var scope = NewDisposeScope();
            module.forward(x).sum().backward();
            compute.HandedOver.Release();
            x.grad = null;
        }

        // The head and the loss of the share's answer positions (the later half of each sequence),
        // through a model of no layers: over the byte-level vocabulary, and over SmolLM2-135M's
        // 49,152 classes at its hidden size.
        var heads = new[] { (Config: config, Batch: 8L, Length: 256L), (Config: config with { VocabSize = 49_152, HiddenSize = 576 }, Batch: 4L, Length: 200L) }
            .Select(shape =>
            {
                var bare = shape.Config with { NumHiddenLayers = 0 };
                var withKernel = new LlamaForCausalLM(bare, FusedKernels.Parse("1"));
                var without = new LlamaForCausalLM(bare, new HashSet<FusedKernel>());
                without.load_state_dict(withKernel.state_dict());
                var tokens = randint(0, bare.VocabSize, [shape.Batch, shape.Length]);
                var labels = tokens.clone();
                labels.narrow(1, 0, shape.Length / 2).fill_(-100);
                return (withKernel, without, tokens, labels);
            }).ToArray();

        static void Loss(LlamaForCausalLM model, Tensor tokens, Tensor labels)
        {
            using var scope = NewDisposeScope();
            model.Loss(tokens, labels).backward();
            model.Compute.HandedOver.Release();
            foreach (var p in model.parameters())
                p.grad = null;
        }

        var kernels = new (string Name, Action Fused, Action Plain)[]
        {
            ("rms_norm", () => Pass(norm, fused), () => Pass(plainNorm, plain)),
            ("swiglu", () => Pass(mlp, fused), () => Pass(plainMlp, plain)),
            ("attention", () => Pass(attention, fused), () => Pass(plainAttention, plain)),
            ("adamw", optimizer.Step, plainOptimizer.Step),
            ("cross_entropy", () => Loss(heads[0].withKernel, heads[0].tokens, heads[0].labels), () => Loss(heads[0].without, heads[0].tokens, heads[0].labels)),
            ("cross_entropy_49k", () => Loss(heads[1].withKernel, heads[1].tokens, heads[1].labels), () => Loss(heads[1].without, heads[1].tokens, heads[1].labels)),
        };
        var only = args.Length > 1 ? args[1].Split(',') : kernels.Select(k => k.Name).ToArray();
        var results = new Dictionary<string, object>();
        foreach (var (name, withKernel, withoutKernel) in kernels.Where(k => only.Contains(k.Name)))
        {
            // Both paths warmed up (the kernels compile optimised at first call).
            Time(withKernel);
            Time(withoutKernel);
            var fusedTimes = new List<double>();
            var libtorch = new List<double>();
            for (int i = 0; i < repetitions; i++)
            {
                fusedTimes.Add(Time(withKernel));
                libtorch.Add(Time(withoutKernel));
            }
            double f = Median.Of(fusedTimes), l = Median.Of(libtorch);
            Console.WriteLine($"{name}: fused {f * 1e3:F3} ms, libtorch {l * 1e3:F3} ms, {l / f:F3}×");
            results[name] = new { fused_ms = Math.Round(f * 1e3, 3), libtorch_ms = Math.Round(l * 1e3, 3), fused_over_libtorch = Math.Round(l / f, 3) };
        }
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "kernels", vector_bits = FusedKernels.VectorBits, threads = 1, repetitions, kernels = results }));
        return 0;
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }
}
