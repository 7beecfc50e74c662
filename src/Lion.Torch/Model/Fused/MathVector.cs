using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// exp and the logistic function on <see cref="Vector{T}"/> (8 floats with AVX2, 4 with Arm's
/// NEON), inlined as <see cref="Math512"/> is for 16: the runtime's <c>Vector.Exp</c> is a call per
/// vector, which left the kernels slower than libtorch's operations on AVX2-only CPUs.
/// </summary>
internal static class MathVector
{
    /// <summary>The same range reduction and polynomial as <see cref="Math512.Exp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        x = Vector.Min(Vector.Max(x, new Vector<float>(-87f)), new Vector<float>(88f));
        var n = Vector.Round(x * new Vector<float>(1.44269504f));
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693145751953125f), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-1.428606765330187e-06f), r);
        var p = new Vector<float>(1f / 5040);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 720));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 120));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 24));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 6));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        var scale = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23));
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));
}
