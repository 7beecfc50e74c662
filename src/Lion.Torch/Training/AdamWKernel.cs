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

    public static void Step(Tensor parameter, Tensor gradient, Tensor first, Tensor second, Coefficients c)
    {
        float* p = FloatMemory.Of(parameter), g = FloatMemory.Of(gradient), m = FloatMemory.Of(first), v = FloatMemory.Of(second);
        FusedKernels.ForRows(parameter.numel(), 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) => Update(p + start, g + start, m + start, v + start, (int)(end - start), c));
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
