using System.Numerics;

namespace Lion.Core.Novelty;

/// <summary>
/// Longest common subsequence of token sequences. <see cref="BitParallel"/> is Hyyrö's
/// bit-vector algorithm: the shorter sequence's positions become bits, and each token of the
/// other sequence updates all of them at once, so a pair costs one pass over one side in 64-bit
/// words. <see cref="Dynamic"/> is the plain O(m·n) table, kept as the reference it is tested
/// against.
/// </summary>
public static class Lcs
{
    /// <summary>
    /// LCS of <paramref name="a"/> and <paramref name="b"/>, given <paramref name="masks"/>: for
    /// each token, the bits of the positions where it occurs in <paramref name="a"/>
    /// (<see cref="MatchMasks"/>).
    /// </summary>
    public static int BitParallel(int aLength, IReadOnlyDictionary<int, ulong[]> masks, ReadOnlySpan<int> b)
    {
        if (aLength == 0 || b.Length == 0)
            return 0;
        int words = (aLength + 63) / 64;
        if (words == 1)
        {
            ulong v = ulong.MaxValue;
            foreach (int token in b)
                if (masks.TryGetValue(token, out var mask))
                {
                    ulong u = v & mask[0];
                    v = (v + u) | (v - u);
                }
            ulong used = aLength == 64 ? ulong.MaxValue : (1UL << aLength) - 1;
            return aLength - BitOperations.PopCount(v & used);
        }

        var vector = new ulong[words];
        Array.Fill(vector, ulong.MaxValue);
        foreach (int token in b)
        {
            if (!masks.TryGetValue(token, out var mask))
                continue;
            ulong carry = 0;
            for (int w = 0; w < words; w++)
            {
                ulong v = vector[w], u = v & mask[w];
                ulong sum = v + u;
                ulong carryOut = sum < v ? 1UL : 0UL;
                ulong withCarry = sum + carry;
                if (withCarry < sum) carryOut = 1;
                vector[w] = withCarry | (v - u);
                carry = carryOut;
            }
        }
        int zeros = 0;
        for (int w = 0; w < words; w++)
        {
            int bits = Math.Min(64, aLength - 64 * w);
            ulong used = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            zeros += bits - BitOperations.PopCount(vector[w] & used);
        }
        return zeros;
    }

    /// <summary>
    /// The one-word case (query of at most 64 tokens) with the masks in a dense array indexed by
    /// token id, the hot path of the novelty filter: no hashing per token.
    /// </summary>
    public static int BitParallelShort(int aLength, ulong[] denseMasks, ReadOnlySpan<int> b)
    {
        if (aLength == 0 || b.Length == 0)
            return 0;
        ulong v = ulong.MaxValue;
        foreach (int token in b)
        {
            ulong mask = (uint)token < (uint)denseMasks.Length ? denseMasks[token] : 0;
            if (mask != 0)
            {
                ulong u = v & mask;
                v = (v + u) | (v - u);
            }
        }
        ulong used = aLength == 64 ? ulong.MaxValue : (1UL << aLength) - 1;
        return aLength - BitOperations.PopCount(v & used);
    }

    public static Dictionary<int, ulong[]> MatchMasks(ReadOnlySpan<int> a)
    {
        int words = (a.Length + 63) / 64;
        var masks = new Dictionary<int, ulong[]>();
        for (int i = 0; i < a.Length; i++)
        {
            if (!masks.TryGetValue(a[i], out var mask))
                masks[a[i]] = mask = new ulong[words];
            mask[i / 64] |= 1UL << (i % 64);
        }
        return masks;
    }

    public static int BitParallel(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => BitParallel(a.Length, MatchMasks(a), b);

    public static int Dynamic(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
