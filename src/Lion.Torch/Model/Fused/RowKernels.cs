using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The arithmetic of a decoding step of a few sequences (<see cref="FewRowsDecoder"/>): a matrix
/// times a few vectors, and the small per-row operations around it. With few rows a product is
/// bound by reading the weights, so each weight read serves every row.
/// </summary>
internal static unsafe class RowKernels
{
    /// <summary>
    /// y[i, r] = W[r]·x[i] (+ bias[r]) for W's rows [start, end) and the <paramref name="count"/>
    /// input rows x[i]; W is row-major with <paramref name="columns"/> columns, x and y rows are
    /// <paramref name="xStride"/> and <paramref name="yStride"/> floats apart. A few rows of W
    /// meet a few input rows at a time, so each weight read from memory serves every input row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Products(float* weight, float* bias, int columns, float* x, int xStride, int count, float* y, int yStride, int start, int end)
    {
        if (count >= 4 && !Vector512.IsHardwareAccelerated)
            ProductsInThirds(weight, columns, x, xStride, count, y, yStride, start, end);
        else
            ProductsInQuarters(weight, columns, x, xStride, count, y, yStride, start, end);
        if (bias != null)
            for (int i = 0; i < count; i++)
                for (int r = start; r < end; r++)
                    y[(long)i * yStride + r] += bias[r];
    }

    /// <summary>
    /// Below 512-bit vectors, four or more input rows: three rows of W meet four input rows at a
    /// time. Twelve running sums, three weight vectors and an input vector fill sixteen registers
    /// exactly, and each weight vector loaded serves four rows where the blocks of two served two,
    /// so more of each load's cost goes to arithmetic. The three rows come one from each third of
    /// the share, for the same long runs of memory the quarters give.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsInThirds(float* weight, int columns, float* x, int xStride, int count, float* y, int yStride, int start, int end)
    {
        int third = (end - start) / 3;
        for (int j = 0; j < third; j++)
        {
            int r0 = start + j, r1 = r0 + third, r2 = r1 + third;
            float* w0 = weight + (long)r0 * columns, w1 = weight + (long)r1 * columns, w2 = weight + (long)r2 * columns;
            int i = 0;
            for (; i <= count - 4; i += 4)
                Block3x4(w0, w1, w2, columns, x + (long)i * xStride, xStride, y + (long)i * yStride, yStride, r0, r1, r2);
            // The input rows left over meet the three weight rows the blocks have just brought into cache.
            for (; i < count; i++)
            {
                float* input = x + (long)i * xStride, row = y + (long)i * yStride;
                (row[r0], row[r1], row[r2]) = (Dot(w0, input, columns), Dot(w1, input, columns), Dot(w2, input, columns));
            }
        }
        RowsOneByOne(weight, columns, x, xStride, count, y, yStride, start + 3 * third, end);
    }

    /// <summary>Four rows of W at a time, against four input rows on AVX-512, two below it, or one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsInQuarters(float* weight, int columns, float* x, int xStride, int count, float* y, int yStride, int start, int end)
    {
        // The four rows read together come one from each quarter of the share: four long runs of
        // consecutive memory at once, which the hardware prefetchers fetch ahead in parallel. One
        // run (a row at a time, or four neighbouring rows) leaves the memory idle between fetches.
        int quarter = (end - start) / 4;
        for (int j = 0; j < quarter; j++)
        {
            int r0 = start + j, r1 = r0 + quarter, r2 = r1 + quarter, r3 = r2 + quarter;
            float* w0 = weight + (long)r0 * columns, w1 = weight + (long)r1 * columns, w2 = weight + (long)r2 * columns, w3 = weight + (long)r3 * columns;
            int i = 0;
            // Four input rows at a time keep sixteen running sums, four weight vectors and an input
            // vector in registers: AVX-512 has thirty-two; with sixteen (AVX2) the sums would go to
            // the stack and back at every step, so there the inputs go in twos.
            if (Vector512.IsHardwareAccelerated)
                for (; i <= count - 4; i += 4)
                    Block4(w0, w1, w2, w3, columns, x + (long)i * xStride, xStride, y + (long)i * yStride, yStride, r0, r1, r2, r3);
            else
                for (; i <= count - 2; i += 2)
                    Block2(w0, w1, w2, w3, columns, x + (long)i * xStride, xStride, y + (long)i * yStride, yStride, r0, r1, r2, r3);
            for (; i < count; i++)
            {
                float* row = y + (long)i * yStride;
                (row[r0], row[r1], row[r2], row[r3]) = Dot4(w0, w1, w2, w3, x + (long)i * xStride, columns);
            }
        }
        RowsOneByOne(weight, columns, x, xStride, count, y, yStride, start + 4 * quarter, end);
    }

    /// <summary>The rows of W a share's blocks leave over, each against every input row.</summary>
    private static void RowsOneByOne(float* weight, int columns, float* x, int xStride, int count, float* y, int yStride, int start, int end)
    {
        for (int r = start; r < end; r++)
            for (int i = 0; i < count; i++)
                y[(long)i * yStride + r] = Dot(weight + (long)r * columns, x + (long)i * xStride, columns);
    }

    /// <summary>
    /// Three rows of W against four input rows: twelve sums, written to y's four rows at the weight
    /// rows' columns <paramref name="c0"/> to <paramref name="c2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block3x4(float* w0, float* w1, float* w2, int n, float* x, int xStride, float* y, int yStride, int c0, int c1, int c2)
    {
        float* x1 = x + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        var (a00, a01, a02) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        var (a10, a11, a12) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        var (a20, a21, a22) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        var (a30, a31, a32) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        int k = 0;
        for (; k <= n - Vector<float>.Count; k += Vector<float>.Count)
        {
            var (v0, v1, v2) = (Vector.Load(w0 + k), Vector.Load(w1 + k), Vector.Load(w2 + k));
            var u = Vector.Load(x + k);
            (a00, a01, a02) = (Vector.FusedMultiplyAdd(v0, u, a00), Vector.FusedMultiplyAdd(v1, u, a01), Vector.FusedMultiplyAdd(v2, u, a02));
            u = Vector.Load(x1 + k);
            (a10, a11, a12) = (Vector.FusedMultiplyAdd(v0, u, a10), Vector.FusedMultiplyAdd(v1, u, a11), Vector.FusedMultiplyAdd(v2, u, a12));
            u = Vector.Load(x2 + k);
            (a20, a21, a22) = (Vector.FusedMultiplyAdd(v0, u, a20), Vector.FusedMultiplyAdd(v1, u, a21), Vector.FusedMultiplyAdd(v2, u, a22));
            u = Vector.Load(x3 + k);
            (a30, a31, a32) = (Vector.FusedMultiplyAdd(v0, u, a30), Vector.FusedMultiplyAdd(v1, u, a31), Vector.FusedMultiplyAdd(v2, u, a32));
        }
        Span<float> sums = [Vector.Sum(a00), Vector.Sum(a01), Vector.Sum(a02), Vector.Sum(a10), Vector.Sum(a11), Vector.Sum(a12),
            Vector.Sum(a20), Vector.Sum(a21), Vector.Sum(a22), Vector.Sum(a30), Vector.Sum(a31), Vector.Sum(a32)];
        for (; k < n; k++)
            for (int i = 0; i < 4; i++)
            {
                float u = x[(long)i * xStride + k];
                sums[3 * i] += w0[k] * u;
                sums[3 * i + 1] += w1[k] * u;
                sums[3 * i + 2] += w2[k] * u;
            }
        for (int i = 0; i < 4; i++)
        {
            float* row = y + (long)i * yStride;
            (row[c0], row[c1], row[c2]) = (sums[3 * i], sums[3 * i + 1], sums[3 * i + 2]);
        }
    }

    /// <summary>
    /// Four rows of W against two input rows: eight sums, written to y's two rows at the weight
    /// rows' columns <paramref name="c0"/> to <paramref name="c3"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block2(float* w0, float* w1, float* w2, float* w3, int n, float* x, int xStride, float* y, int yStride, int c0, int c1, int c2, int c3)
    {
        float* x1 = x + xStride;
        var (a00, a01, a02, a03) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        var (a10, a11, a12, a13) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
        int k = 0;
        for (; k <= n - Vector<float>.Count; k += Vector<float>.Count)
        {
            var (v0, v1, v2, v3) = (Vector.Load(w0 + k), Vector.Load(w1 + k), Vector.Load(w2 + k), Vector.Load(w3 + k));
            var u = Vector.Load(x + k);
            (a00, a01, a02, a03) = (Vector.FusedMultiplyAdd(v0, u, a00), Vector.FusedMultiplyAdd(v1, u, a01), Vector.FusedMultiplyAdd(v2, u, a02), Vector.FusedMultiplyAdd(v3, u, a03));
            u = Vector.Load(x1 + k);
            (a10, a11, a12, a13) = (Vector.FusedMultiplyAdd(v0, u, a10), Vector.FusedMultiplyAdd(v1, u, a11), Vector.FusedMultiplyAdd(v2, u, a12), Vector.FusedMultiplyAdd(v3, u, a13));
        }
        float s00 = Vector.Sum(a00), s01 = Vector.Sum(a01), s02 = Vector.Sum(a02), s03 = Vector.Sum(a03);
        float s10 = Vector.Sum(a10), s11 = Vector.Sum(a11), s12 = Vector.Sum(a12), s13 = Vector.Sum(a13);
        for (; k < n; k++)
        {
            float u0 = x[k], u1 = x1[k];
            (s00, s01, s02, s03) = (s00 + w0[k] * u0, s01 + w1[k] * u0, s02 + w2[k] * u0, s03 + w3[k] * u0);
            (s10, s11, s12, s13) = (s10 + w0[k] * u1, s11 + w1[k] * u1, s12 + w2[k] * u1, s13 + w3[k] * u1);
        }
        (y[c0], y[c1], y[c2], y[c3]) = (s00, s01, s02, s03);
        y += yStride;
        (y[c0], y[c1], y[c2], y[c3]) = (s10, s11, s12, s13);
    }

    /// <summary>
    /// Four rows of W against four input rows on 512-bit vectors: sixteen sums, written to y's four
    /// rows at the weight rows' columns <paramref name="c0"/> to <paramref name="c3"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4(float* w0, float* w1, float* w2, float* w3, int n, float* x, int xStride, float* y, int yStride, int c0, int c1, int c2, int c3)
    {
        float* x1 = x + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        Span<float> sums = stackalloc float[16];
        int k = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var (a00, a01, a02, a03) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            var (a10, a11, a12, a13) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            var (a20, a21, a22, a23) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            var (a30, a31, a32, a33) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            for (; k <= n - Vector512<float>.Count; k += Vector512<float>.Count)
            {
                var (v0, v1, v2, v3) = (Vector512.Load(w0 + k), Vector512.Load(w1 + k), Vector512.Load(w2 + k), Vector512.Load(w3 + k));
                var u = Vector512.Load(x + k);
                (a00, a01, a02, a03) = (Vector512.FusedMultiplyAdd(v0, u, a00), Vector512.FusedMultiplyAdd(v1, u, a01), Vector512.FusedMultiplyAdd(v2, u, a02), Vector512.FusedMultiplyAdd(v3, u, a03));
                u = Vector512.Load(x1 + k);
                (a10, a11, a12, a13) = (Vector512.FusedMultiplyAdd(v0, u, a10), Vector512.FusedMultiplyAdd(v1, u, a11), Vector512.FusedMultiplyAdd(v2, u, a12), Vector512.FusedMultiplyAdd(v3, u, a13));
                u = Vector512.Load(x2 + k);
                (a20, a21, a22, a23) = (Vector512.FusedMultiplyAdd(v0, u, a20), Vector512.FusedMultiplyAdd(v1, u, a21), Vector512.FusedMultiplyAdd(v2, u, a22), Vector512.FusedMultiplyAdd(v3, u, a23));
                u = Vector512.Load(x3 + k);
                (a30, a31, a32, a33) = (Vector512.FusedMultiplyAdd(v0, u, a30), Vector512.FusedMultiplyAdd(v1, u, a31), Vector512.FusedMultiplyAdd(v2, u, a32), Vector512.FusedMultiplyAdd(v3, u, a33));
            }
            (sums[0], sums[1], sums[2], sums[3]) = (Vector512.Sum(a00), Vector512.Sum(a01), Vector512.Sum(a02), Vector512.Sum(a03));
            (sums[4], sums[5], sums[6], sums[7]) = (Vector512.Sum(a10), Vector512.Sum(a11), Vector512.Sum(a12), Vector512.Sum(a13));
            (sums[8], sums[9], sums[10], sums[11]) = (Vector512.Sum(a20), Vector512.Sum(a21), Vector512.Sum(a22), Vector512.Sum(a23));
            (sums[12], sums[13], sums[14], sums[15]) = (Vector512.Sum(a30), Vector512.Sum(a31), Vector512.Sum(a32), Vector512.Sum(a33));
        }
        else
            sums.Clear();
        for (; k < n; k++)
            for (int i = 0; i < 4; i++)
            {
                float u = x[(long)i * xStride + k];
                sums[4 * i] += w0[k] * u;
                sums[4 * i + 1] += w1[k] * u;
                sums[4 * i + 2] += w2[k] * u;
                sums[4 * i + 3] += w3[k] * u;
            }
        for (int i = 0; i < 4; i++)
        {
            float* row = y + (long)i * yStride;
            (row[c0], row[c1], row[c2], row[c3]) = (sums[4 * i], sums[4 * i + 1], sums[4 * i + 2], sums[4 * i + 3]);
        }
    }

    /// <summary>
    /// Four rows of W against one input row: a lone sequence, or the input row left over after the
    /// blocks (whose weight rows the blocks have just brought into cache).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float, float, float) Dot4(float* a, float* b, float* c, float* d, float* x, int n)
    {
        int i = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var (v0, v1, v2, v3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var xv = Vector512.Load(x + i);
                v0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), xv, v0);
                v1 = Vector512.FusedMultiplyAdd(Vector512.Load(b + i), xv, v1);
                v2 = Vector512.FusedMultiplyAdd(Vector512.Load(c + i), xv, v2);
                v3 = Vector512.FusedMultiplyAdd(Vector512.Load(d + i), xv, v3);
            }
            (s0, s1, s2, s3) = (Vector512.Sum(v0), Vector512.Sum(v1), Vector512.Sum(v2), Vector512.Sum(v3));
        }
        else if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var (v0, v1, v2, v3) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var xv = Vector.Load(x + i);
                v0 = Vector.FusedMultiplyAdd(Vector.Load(a + i), xv, v0);
                v1 = Vector.FusedMultiplyAdd(Vector.Load(b + i), xv, v1);
                v2 = Vector.FusedMultiplyAdd(Vector.Load(c + i), xv, v2);
                v3 = Vector.FusedMultiplyAdd(Vector.Load(d + i), xv, v3);
            }
            (s0, s1, s2, s3) = (Vector.Sum(v0), Vector.Sum(v1), Vector.Sum(v2), Vector.Sum(v3));
        }
        for (; i < n; i++)
        {
            s0 += a[i] * x[i];
            s1 += b[i] * x[i];
            s2 += c[i] * x[i];
            s3 += d[i] * x[i];
        }
        return (s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(float* a, float* x, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            // Four running sums: each is a chain of dependent additions.
            var (v, v1, v2, v3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            for (; i <= n - 4 * Vector512<float>.Count; i += 4 * Vector512<float>.Count)
            {
                v = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(x + i), v);
                v1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(x + i + 16), v1);
                v2 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 32), Vector512.Load(x + i + 32), v2);
                v3 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 48), Vector512.Load(x + i + 48), v3);
            }
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                v = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(x + i), v);
            sum = Vector512.Sum(v + v1 + (v2 + v3));
        }
        else if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            return FusedRmsNorm.Dot(a, x, n); // four running sums, the tail included
        for (; i < n; i++)
            sum += a[i] * x[i];
        return sum;
    }

    /// <summary>
    /// output = Σ weights[p] · rows[p] over the <paramref name="count"/> rows of <paramref name="width"/>
    /// floats, rows whose weight is 0 skipped (a masked position's row may hold anything). A block
    /// of the output stays in registers across all the rows, where adding row by row into memory
    /// stored and loaded it again at every row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedSum(float* weights, float* rows, int count, int width, float* output)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            const int size = 16;
            for (; c <= width - 4 * size; c += 4 * size)
            {
                var (a0, a1, a2, a3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
                for (int p = 0; p < count; p++)
                    if (weights[p] != 0)
                    {
                        var w = Vector512.Create(weights[p]);
                        float* row = rows + (long)p * width + c;
                        (a0, a1) = (Vector512.FusedMultiplyAdd(Vector512.Load(row), w, a0), Vector512.FusedMultiplyAdd(Vector512.Load(row + size), w, a1));
                        (a2, a3) = (Vector512.FusedMultiplyAdd(Vector512.Load(row + 2 * size), w, a2), Vector512.FusedMultiplyAdd(Vector512.Load(row + 3 * size), w, a3));
                    }
                a0.Store(output + c);
                a1.Store(output + c + size);
                a2.Store(output + c + 2 * size);
                a3.Store(output + c + 3 * size);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            int size = Vector<float>.Count;
            for (; c <= width - 8 * size; c += 8 * size)
            {
                var (a0, a1, a2, a3) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
                var (a4, a5, a6, a7) = (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
                for (int p = 0; p < count; p++)
                    if (weights[p] != 0)
                    {
                        var w = new Vector<float>(weights[p]);
                        float* row = rows + (long)p * width + c;
                        (a0, a1) = (Vector.FusedMultiplyAdd(Vector.Load(row), w, a0), Vector.FusedMultiplyAdd(Vector.Load(row + size), w, a1));
                        (a2, a3) = (Vector.FusedMultiplyAdd(Vector.Load(row + 2 * size), w, a2), Vector.FusedMultiplyAdd(Vector.Load(row + 3 * size), w, a3));
                        (a4, a5) = (Vector.FusedMultiplyAdd(Vector.Load(row + 4 * size), w, a4), Vector.FusedMultiplyAdd(Vector.Load(row + 5 * size), w, a5));
                        (a6, a7) = (Vector.FusedMultiplyAdd(Vector.Load(row + 6 * size), w, a6), Vector.FusedMultiplyAdd(Vector.Load(row + 7 * size), w, a7));
                    }
                a0.Store(output + c);
                a1.Store(output + c + size);
                a2.Store(output + c + 2 * size);
                a3.Store(output + c + 3 * size);
                a4.Store(output + c + 4 * size);
                a5.Store(output + c + 5 * size);
                a6.Store(output + c + 6 * size);
                a7.Store(output + c + 7 * size);
            }
        }
        // What is left of the width: a vector at a time, then a float at a time.
        if (Vector.IsHardwareAccelerated)
            for (; c <= width - Vector<float>.Count; c += Vector<float>.Count)
            {
                var a = Vector<float>.Zero;
                for (int p = 0; p < count; p++)
                    if (weights[p] != 0)
                        a = Vector.FusedMultiplyAdd(Vector.Load(rows + (long)p * width + c), new Vector<float>(weights[p]), a);
                a.Store(output + c);
            }
        for (; c < width; c++)
        {
            float a = 0;
            for (int p = 0; p < count; p++)
                if (weights[p] != 0)
                    a = MathF.FusedMultiplyAdd(rows[(long)p * width + c], weights[p], a);
            output[c] = a;
        }
    }

    /// <summary>
    /// softmax(scale · s) over n scores in place, where <paramref name="keep"/> is non-zero (the
    /// rest get exactly 0); at least one must be kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(float* s, byte* keep, int n, float scale)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < n; i++)
            if (keep[i] != 0)
                max = MathF.Max(max, s[i]);
        float shift = -scale * max, sum = 0;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
                Math512.Exp(Vector512.FusedMultiplyAdd(Vector512.Load(s + j), Vector512.Create(scale), Vector512.Create(shift))).Store(s + j);
        else if (Vector.IsHardwareAccelerated)
            for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
                MathVector.Exp(Vector.FusedMultiplyAdd(Vector.Load(s + j), new Vector<float>(scale), new Vector<float>(shift))).Store(s + j);
        for (; j < n; j++)
            s[j] = MathF.Exp(s[j] * scale + shift);
        for (int i = 0; i < n; i++)
        {
            if (keep[i] == 0)
                s[i] = 0;
            sum += s[i];
        }
        float inverse = 1 / sum;
        for (int i = 0; i < n; i++)
            s[i] *= inverse;
    }

    /// <summary>normed = x / rms(x) · scale, LLaMA's RMSNorm with the learned scale applied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsNorm(float* x, float* scale, float* normed, int n, float eps)
    {
        float inverse = 1f / MathF.Sqrt(Dot(x, x, n) / n + eps);
        for (int i = 0; i < n; i++)
            normed[i] = x[i] * inverse * scale[i];
    }

    /// <summary>Hugging Face's rotate_half rotation of one head in place: the two halves as pairs, by the position's cos and sin rows.</summary>
    public static void Rotate(float* head, float* cos, float* sin, int dim)
    {
        int half = dim / 2;
        for (int i = 0; i < half; i++)
        {
            float first = head[i], second = head[i + half];
            head[i] = first * cos[i] - second * sin[i];
            head[i + half] = second * cos[i + half] + first * sin[i + half];
        }
    }

    /// <summary>silu(gate) · up over columns [start, end), into gate: the training kernel's vectorised forward.</summary>
    public static void SwiGlu(float* gate, float* up, int start, int end) =>
        FusedSwiGlu.Forward(gate + start, up + start, gate + start, end - start);
}
