using System.Numerics;
using System.Runtime.CompilerServices;
using Lion.Torch.Model.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Training;

/// <summary>
/// One AdamW update of a float32 parameter in a single pass over the parameter, its gradient and
/// both moments, where libtorch's operations take six passes and two temporaries; the same
/// arithmetic in the same order as <see cref="AdamWOptimizer"/>'s libtorch path.
/// </summary>
internal static unsafe class AdamWKernel
{
    /// <summary>Each taken in double and rounded once, as libtorch rounds the Scalars it is given.</summary>
    public readonly record struct Coefficients(float Decay, float Beta1, float Rest1, float Beta2, float Rest2, float Root2, float Epsilon, float StepSize);

    public static bool Fits(params Tensor[] tensors) => tensors.All(t => t.dtype == float32 && t.device_type == DeviceType.CPU && t.is_contiguous());

    /// <summary>A parameter, its gradient and moments.</summary>
    public readonly record struct Slot(Tensor Parameter, Tensor Gradient, Tensor First, Tensor Second);

    /// <summary>
    /// Updates every slot, their elements cut into one share a core: a model's parameters are
    /// dozens of tensors, and waking the cores once for each cost as much as the smaller ones' update.
    /// </summary>
    public static void Step(IReadOnlyList<Slot> slots, Coefficients c)
    {
        var pointers = slots.Select(s => (P: (nint)FloatMemory.Of(s.Parameter), G: (nint)FloatMemory.Of(s.Gradient),
            M: (nint)FloatMemory.Of(s.First), V: (nint)FloatMemory.Of(s.Second), Count: s.Parameter.numel())).ToArray();
        FusedKernels.ForRows(pointers.Sum(s => s.Count), 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            // The slots' elements one after another: this share's part of each slot it overlaps.
            long offset = 0;
            foreach (var (p, g, m, v, count) in pointers)
            {
                long from = Math.Max(start, offset) - offset, to = Math.Min(end, offset + count) - offset;
                if (from < to)
                    Update((float*)p + from, (float*)g + from, (float*)m + from, (float*)v + from, (int)(to - from), c);
                offset += count;
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(float* p, float* g, float* m, float* v, int count, Coefficients c)
    {
        float rest1 = c.Rest1, rest2 = c.Rest2;
        int i = 0, width = Vector<float>.Count;
        for (; i <= count - width; i += width)
        {
            var gradient = Vector.Load(g + i);
            var first = Vector.Load(m + i) * c.Beta1 + gradient * rest1;
            var second = Vector.Load(v + i) * c.Beta2 + gradient * gradient * rest2;
            var denominator = Vector.SquareRoot(second) / c.Root2 + new Vector<float>(c.Epsilon);
            (Vector.Load(p + i) * c.Decay + c.StepSize * (first / denominator)).Store(p + i);
            first.Store(m + i);
            second.Store(v + i);
        }
        for (; i < count; i++)
        {
            float gradient = g[i];
            m[i] = m[i] * c.Beta1 + gradient * rest1;
            v[i] = v[i] * c.Beta2 + gradient * gradient * rest2;
            p[i] = p[i] * c.Decay + c.StepSize * (m[i] / (MathF.Sqrt(v[i]) / c.Root2 + c.Epsilon));
        }
    }
}
