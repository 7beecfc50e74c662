using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// A matrix held in bfloat16 times a few float32 rows, for a decoding step bound by
/// reading the weights (<see cref="FewRowsDecoder"/>): half the bytes of float32 cross memory. A
/// bfloat16 value is float32's upper half, so a 32-bit load of two neighbouring weights gives both
/// as float32 with one shift (the even column) and one mask (the odd column), where widening them
/// in order would shuffle lanes. The input rows are given split the same way, their even columns
/// then their odd ones (<see cref="Split"/>), so each weight meets its input at no further cost.
/// </summary>
internal static unsafe class BFloat16Products
{
    /// <summary>
    /// The most input rows these products are taken for: with more, the float32 products, bound by
    /// arithmetic rather than by reading the weights, ran as fast or faster (at 135M and 0.5B, AVX2).
    /// </summary>
    public const int MaxRows = 8;

    /// <summary>Whether a matrix of <paramref name="columns"/> columns can be read in pairs of neighbouring weights.</summary>
    public static bool Takes(int columns) => columns % 2 == 0;

    /// <summary><paramref name="n"/> floats (n even) as their even columns, then their odd ones.</summary>
    public static void Split(float* x, float* split, int n)
    {
        int half = n / 2;
        for (int j = 0; j < half; j++)
            (split[j], split[half + j]) = (x[2 * j], x[2 * j + 1]);
    }

    /// <summary>
    /// y[i, r] = W[r]·x[i] (+ bias[r]) for W's rows [start, end) and the <paramref name="count"/>
    /// (at most <see cref="MaxRows"/>) input rows, given split and <paramref name="columns"/> floats
    /// apart; W is row-major bfloat16 with <paramref name="columns"/> columns, y's rows
    /// <paramref name="yStride"/> floats apart. Four weight rows are read at once, one from each
    /// quarter of the share, for four long runs of memory fetched ahead side by side, and meet the
    /// input rows two at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Products(ushort* weight, float* bias, int columns, float* split, int count, float* y, int yStride, int start, int end)
    {
        int quarter = (end - start) / 4;
        for (int j = 0; j < quarter; j++)
        {
            int r0 = start + j, r1 = r0 + quarter, r2 = r1 + quarter, r3 = r2 + quarter;
            ushort* w0 = weight + (long)r0 * columns, w1 = weight + (long)r1 * columns, w2 = weight + (long)r2 * columns, w3 = weight + (long)r3 * columns;
            int i = 0;
            for (; i <= count - 2; i += 2)
            {
                float* x = split + (long)i * columns;
                float* first = y + (long)i * yStride, second = first + yStride;
                ((first[r0], first[r1], first[r2], first[r3]), (second[r0], second[r1], second[r2], second[r3])) =
                    Rows4By2(w0, w1, w2, w3, x, x + columns, columns);
            }
            if (i < count)
            {
                float* row = y + (long)i * yStride;
                (row[r0], row[r1], row[r2], row[r3]) = Rows4(w0, w1, w2, w3, split + (long)i * columns, columns);
            }
        }
        for (int r = start + 4 * quarter; r < end; r++)
            for (int i = 0; i < count; i++)
                y[(long)i * yStride + r] = Dot(weight + (long)r * columns, split + (long)i * columns, columns);
        if (bias != null)
            for (int i = 0; i < count; i++)
                for (int r = start; r < end; r++)
                    y[(long)i * yStride + r] += bias[r];
    }

    private static Vector<uint> Upper => new(0xFFFF0000u);

    private static Vector<float> Even(Vector<uint> pairs) => Vector.AsVectorSingle(pairs << 16);

    private static Vector<float> Odd(Vector<uint> pairs) => Vector.AsVectorSingle(pairs & Upper);

    private static float Widened(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Four weight rows against one split input row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float, float, float) Rows4(ushort* w0, ushort* w1, ushort* w2, ushort* w3, float* x, int n)
    {
        int half = n / 2, k = 0;
        float* odd = x + half;
        var (a0, a1, a2, a3) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        for (; k <= half - Vector<float>.Count; k += Vector<float>.Count)
        {
            var (ue, uo) = (Vector.Load(x + k), Vector.Load(odd + k));
            var v = Vector.Load((uint*)w0 + k);
            a0 = Vector.FusedMultiplyAdd(Odd(v), uo, Vector.FusedMultiplyAdd(Even(v), ue, a0));
            v = Vector.Load((uint*)w1 + k);
            a1 = Vector.FusedMultiplyAdd(Odd(v), uo, Vector.FusedMultiplyAdd(Even(v), ue, a1));
            v = Vector.Load((uint*)w2 + k);
            a2 = Vector.FusedMultiplyAdd(Odd(v), uo, Vector.FusedMultiplyAdd(Even(v), ue, a2));
            v = Vector.Load((uint*)w3 + k);
            a3 = Vector.FusedMultiplyAdd(Odd(v), uo, Vector.FusedMultiplyAdd(Even(v), ue, a3));
        }
        var (s0, s1, s2, s3) = (Vector.Sum(a0), Vector.Sum(a1), Vector.Sum(a2), Vector.Sum(a3));
        for (; k < half; k++)
        {
            float ue = x[k], uo = odd[k];
            s0 += Widened(w0[2 * k]) * ue + Widened(w0[2 * k + 1]) * uo;
            s1 += Widened(w1[2 * k]) * ue + Widened(w1[2 * k + 1]) * uo;
            s2 += Widened(w2[2 * k]) * ue + Widened(w2[2 * k + 1]) * uo;
            s3 += Widened(w3[2 * k]) * ue + Widened(w3[2 * k + 1]) * uo;
        }
        return (s0, s1, s2, s3);
    }

    /// <summary>
    /// Four weight rows against two split input rows: eight sums, the two rows' four input vectors
    /// and one weight pair at a time in registers (fifteen of AVX2's sixteen, with the mask).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ((float, float, float, float), (float, float, float, float)) Rows4By2(
        ushort* w0, ushort* w1, ushort* w2, ushort* w3, float* x, float* x1, int n)
    {
        int half = n / 2, k = 0;
        float* odd = x + half, odd1 = x1 + half;
        var (a00, a01, a02, a03) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        var (a10, a11, a12, a13) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        for (; k <= half - Vector<float>.Count; k += Vector<float>.Count)
        {
            var (ue, uo, ue1, uo1) = (Vector.Load(x + k), Vector.Load(odd + k), Vector.Load(x1 + k), Vector.Load(odd1 + k));
            var v = Vector.Load((uint*)w0 + k);
            var (e, o) = (Even(v), Odd(v));
            a00 = Vector.FusedMultiplyAdd(o, uo, Vector.FusedMultiplyAdd(e, ue, a00));
            a10 = Vector.FusedMultiplyAdd(o, uo1, Vector.FusedMultiplyAdd(e, ue1, a10));
            v = Vector.Load((uint*)w1 + k);
            (e, o) = (Even(v), Odd(v));
            a01 = Vector.FusedMultiplyAdd(o, uo, Vector.FusedMultiplyAdd(e, ue, a01));
            a11 = Vector.FusedMultiplyAdd(o, uo1, Vector.FusedMultiplyAdd(e, ue1, a11));
            v = Vector.Load((uint*)w2 + k);
            (e, o) = (Even(v), Odd(v));
            a02 = Vector.FusedMultiplyAdd(o, uo, Vector.FusedMultiplyAdd(e, ue, a02));
            a12 = Vector.FusedMultiplyAdd(o, uo1, Vector.FusedMultiplyAdd(e, ue1, a12));
            v = Vector.Load((uint*)w3 + k);
            (e, o) = (Even(v), Odd(v));
            a03 = Vector.FusedMultiplyAdd(o, uo, Vector.FusedMultiplyAdd(e, ue, a03));
            a13 = Vector.FusedMultiplyAdd(o, uo1, Vector.FusedMultiplyAdd(e, ue1, a13));
        }
        var (s00, s01, s02, s03) = (Vector.Sum(a00), Vector.Sum(a01), Vector.Sum(a02), Vector.Sum(a03));
        var (s10, s11, s12, s13) = (Vector.Sum(a10), Vector.Sum(a11), Vector.Sum(a12), Vector.Sum(a13));
        for (; k < half; k++)
        {
            float ue = x[k], uo = odd[k], ue1 = x1[k], uo1 = odd1[k];
            float e0 = Widened(w0[2 * k]), o0 = Widened(w0[2 * k + 1]), e1 = Widened(w1[2 * k]), o1 = Widened(w1[2 * k + 1]);
            float e2 = Widened(w2[2 * k]), o2 = Widened(w2[2 * k + 1]), e3 = Widened(w3[2 * k]), o3 = Widened(w3[2 * k + 1]);
            (s00, s01, s02, s03) = (s00 + e0 * ue + o0 * uo, s01 + e1 * ue + o1 * uo, s02 + e2 * ue + o2 * uo, s03 + e3 * ue + o3 * uo);
            (s10, s11, s12, s13) = (s10 + e0 * ue1 + o0 * uo1, s11 + e1 * ue1 + o1 * uo1, s12 + e2 * ue1 + o2 * uo1, s13 + e3 * ue1 + o3 * uo1);
        }
        return ((s00, s01, s02, s03), (s10, s11, s12, s13));
    }

    /// <summary>One weight row against one split input row: the rows a share's quarters leave over.</summary>
    private static float Dot(ushort* w, float* x, int n)
    {
        int half = n / 2, k = 0;
        float* odd = x + half;
        var sum = Vector<float>.Zero;
        for (; k <= half - Vector<float>.Count; k += Vector<float>.Count)
        {
            var v = Vector.Load((uint*)w + k);
            sum = Vector.FusedMultiplyAdd(Odd(v), Vector.Load(odd + k), Vector.FusedMultiplyAdd(Even(v), Vector.Load(x + k), sum));
        }
        float s = Vector.Sum(sum);
        for (; k < half; k++)
            s += Widened(w[2 * k]) * x[k] + Widened(w[2 * k + 1]) * odd[k];
        return s;
    }
}
