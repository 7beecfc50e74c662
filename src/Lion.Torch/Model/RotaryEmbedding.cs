using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// Rotary position embeddings in Hugging Face's layout: the two halves of each head are rotated
/// as a pair (rotate_half), frequencies theta^(-2i/d).
/// </summary>
public static class RotaryEmbedding
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, double, RopeScaling?), (Tensor, Tensor)> Tables = new();

    /// <summary>
    /// The table for positions 0..length-1, made once per shape and kept: every layer of every
    /// step asks for the same one.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Cached(int length, int headDim, double theta, RopeScaling? scaling = null) =>
        Tables.GetOrAdd((length, headDim, theta, scaling), key =>
        {
            var (cos, sin) = Table(key.Item1, key.Item2, key.Item3, scaling: key.Item4);
            return (cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope());
        });

    /// <summary>cos and sin for positions 0..length-1, shaped [length, headDim].</summary>
    public static (Tensor Cos, Tensor Sin) Table(int length, int headDim, double theta, long offset = 0, RopeScaling? scaling = null)
    {
        using var scope = NewDisposeScope();
        var frequencies0 = Enumerable.Range(0, headDim / 2).Select(i => 1.0 / Math.Pow(theta, 2.0 * i / headDim)).ToArray();
        var inverse = tensor(scaling?.Scale(frequencies0) ?? frequencies0, dtype: float64);
        var positions = arange(offset, offset + length, dtype: float64);
        var frequencies = outer(positions, inverse);
        var angles = cat([frequencies, frequencies], -1);
        return (angles.cos().to(float32).MoveToOuterDisposeScope(), angles.sin().to(float32).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x, shaped [batch, heads, length, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        // rotate_half(x) · sin is roll(x, half) · (−sin₁, sin₂): the sign goes on the small
        // table instead of on x, which saves two full passes over the queries and keys.
        long half = x.shape[^1] / 2;
        var signedSin = cat([-sin.narrow(-1, 0, half), sin.narrow(-1, half, half)], -1).to(x.dtype);
        return (x * cos.to(x.dtype)).addcmul_(x.roll(half, -1), signedSin, HeldScalars.One).MoveToOuterDisposeScope();
    }
}
