using System.Buffers;

namespace Lion.Torch.Generation;

/// <summary>
/// One token drawn from a row of logits at a temperature, within the nucleus of top-p sampling:
/// the most probable tokens whose probabilities first reach p together. The nucleus is found
/// without sorting the vocabulary (49K–152K entries, every token of every sequence): the weights
/// are summed by range (a binary exponent and the mantissa's first four bits), the ranges walked
/// from the largest, and only the entries of the range where p is reached are sorted (by weight,
/// then position, as a stable sort of the whole would order them). The draw then walks the
/// nucleus in vocabulary order.
/// </summary>
internal static class TokenSampler
{
    /// <summary>A token from <paramref name="logits"/>; with a temperature of 0 or below, the most likely one.</summary>
    public static int Pick(ReadOnlySpan<float> logits, double temperature, double topP, Random random)
    {
        var weights = ArrayPool<double>.Shared.Rent(logits.Length);
        try
        {
            double kept = Nucleus(logits, temperature, topP, weights);
            if (!(kept > 0) || double.IsInfinity(kept))
                return MostLikely(logits);
            double draw = random.NextDouble() * kept, sum = 0;
            int last = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                if (weights[i] == 0)
                    continue;
                last = i;
                sum += weights[i];
                if (sum >= draw)
                    return i;
            }
            return last;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(weights);
        }
    }

    /// <summary>
    /// Writes each token's weight (its probability times a constant) to <paramref name="weights"/>,
    /// 0 outside the nucleus, and returns the nucleus's total weight (not positive or infinite:
    /// no distribution, as when a logit is NaN everywhere or +∞).
    /// </summary>
    internal static double Nucleus(ReadOnlySpan<float> logits, double temperature, double topP, Span<double> weights)
    {
        if (temperature <= 0)
            return 0;
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
            if (logit > max)
                max = logit;
        if (float.IsInfinity(max))
            return 0;
        // The largest weight is 1: every weight lies in [0, 1], ranges 0 (zero, subnormal) to Range(1).
        var byRange = ArrayPool<double>.Shared.Rent(Range(1) + 1);
        try
        {
            return Nucleus(logits, temperature, topP, max, weights, byRange.AsSpan(0, Range(1) + 1));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(byRange);
        }
    }

    private static double Nucleus(ReadOnlySpan<float> logits, double temperature, double topP, float max, Span<double> weights, Span<double> byRange)
    {
        byRange.Clear();
        double total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double weight = float.IsNaN(logits[i]) ? 0 : Math.Exp((logits[i] - (double)max) / temperature);
            weights[i] = weight;
            byRange[Range(weight)] += weight;
            total += weight;
        }
        if (topP >= 1)
            return total;
        double target = Math.Max(topP, 0) * total, before = 0;
        int crossing = byRange.Length - 1;
        for (; crossing > 0 && before + byRange[crossing] < target; crossing--)
            before += byRange[crossing];
        // The crossing range's entries in the whole sort's order; the nucleus takes them up to p.
        var candidates = new List<(double Weight, int Index)>();
        for (int i = 0; i < logits.Length; i++)
            if (weights[i] > 0 && Range(weights[i]) == crossing)
                candidates.Add((weights[i], i));
        candidates.Sort((a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : a.Index.CompareTo(b.Index));
        int taken = 0;
        double kept = before;
        // At least one token, as p at or below 0 asks.
        while (taken < candidates.Count && (kept < target || kept == 0))
            kept += candidates[taken++].Weight;
        for (int c = taken; c < candidates.Count; c++)
            weights[candidates[c].Index] = 0;
        for (int i = 0; i < logits.Length; i++)
            if (Range(weights[i]) < crossing)
                weights[i] = 0;
        return kept;
    }

    /// <summary>Ordered as the weights are: the sign (0), the exponent and the mantissa's first four bits.</summary>
    private static int Range(double weight) => (int)(BitConverter.DoubleToInt64Bits(weight) >> 48);

    private static int MostLikely(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best] || float.IsNaN(logits[best]))
                best = i;
        return best;
    }
}
