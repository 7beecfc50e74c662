using System.Collections.Concurrent;
using System.Diagnostics;
using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Training;

/// <summary>
/// Whether bfloat16 products pay on this CPU: one with native bfloat16 dot products (AVX512-BF16,
/// AMX) runs them about twice as fast as float32, one without emulates them slower than float32.
/// Measured, not guessed from CPU flags: the model's widest projection, forward and backward, with
/// the casts that <see cref="ModelCompute.BFloat16"/> adds, in each type, alternating, on one thread as a
/// training worker runs. Once per process and shape (about a fifth of a second).
/// </summary>
public static class BFloat16Probe
{
    /// <summary>bfloat16 is taken when it is at least this much faster: a close call is not worth rounding for.</summary>
    public const double Threshold = 1.2;

    private static readonly ConcurrentDictionary<(long Input, long Output), double> s_speedups = new();

    /// <summary>float32 time over bfloat16 time for a training pass's products of this model's shape.</summary>
    public static double Speedup(LlamaConfig config) =>
        s_speedups.GetOrAdd((config.HiddenSize, 2L * config.IntermediateSize), shape =>
        {
            using var worker = new TorchWorkers(1);
            double speedup = 0;
            worker.Run(_ => speedup = Measure(shape.Input, shape.Output));
            return speedup;
        });

    public static bool Pays(LlamaConfig config) => Speedup(config) >= Threshold;

    private static double Measure(long input, long output)
    {
        const int rows = 512, rounds = 5;
        using var scope = NewDisposeScope();
        // Its own generator: the probe runs once a process, and must not move the seeded global one.
        using var generator = new Generator(1);
        var x = randn(rows, input, generator: generator).requires_grad_(true);
        var weight = randn(output, input, generator: generator).requires_grad_(true);
        var compute = ModelCompute.WithoutKernels();
        double Pass(bool bfloat16)
        {
            using var cast = compute.BFloat16(bfloat16);
            using var pass = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            compute.Linear(x, weight).sum().backward();
            (x.grad, weight.grad) = (null, null);
            return clock.Elapsed.TotalSeconds;
        }
        Pass(false);
        Pass(true);
        var float32Times = new double[rounds];
        var bfloat16Times = new double[rounds];
        for (int i = 0; i < rounds; i++)
        {
            float32Times[i] = Pass(false);
            bfloat16Times[i] = Pass(true);
        }
        return float32Times.Order().ElementAt(rounds / 2) / bfloat16Times.Order().ElementAt(rounds / 2);
    }
}
