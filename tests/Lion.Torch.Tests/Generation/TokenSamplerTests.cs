using Lion.Torch.Generation;

namespace Lion.Torch.Tests.Generation;

public sealed class TokenSamplerTests
{
    /// <summary>The nucleus as a stable sort of the whole vocabulary gives it: most probable first, ties by position, until p is reached.</summary>
    private static HashSet<int> SortedNucleus(float[] logits, double temperature, double topP)
    {
        double max = logits.Max();
        var weights = logits.Select(l => Math.Exp((l - max) / temperature)).ToArray();
        double total = weights.Sum(), kept = 0;
        var nucleus = new HashSet<int>();
        foreach (int i in Enumerable.Range(0, logits.Length).OrderByDescending(i => weights[i]))
        {
            nucleus.Add(i);
            kept += weights[i] / total;
            if (kept >= topP)
                break;
        }
        return nucleus;
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 0.3)]
    [InlineData(0.7, 0.9)]
    [InlineData(1.3, 0.999)]
    [InlineData(0.7, 1.0)]
    public void The_nucleus_is_the_most_probable_tokens_that_first_reach_p(double temperature, double topP)
    {
        var random = new Random(11);
        // Logits of one decimal: many ties, as a vocabulary's unused entries have.
        var logits = Enumerable.Range(0, 5000).Select(_ => MathF.Round((float)(random.NextDouble() * 12 - 6), 1)).ToArray();
        var weights = new double[logits.Length];

        double kept = TokenSampler.Nucleus(logits, temperature, topP, weights);

        var nucleus = Enumerable.Range(0, logits.Length).Where(i => weights[i] > 0).ToHashSet();
        Assert.Equal(SortedNucleus(logits, temperature, topP).Order(), nucleus.Order());
        Assert.Equal(nucleus.Sum(i => weights[i]), kept, 1e-9);
    }

    [Fact]
    public void Draws_follow_the_probabilities_within_the_nucleus()
    {
        float[] logits = [2f, 1f, 0.5f, -1f];
        var random = new Random(3);
        var counts = new int[logits.Length];
        const int draws = 40_000;
        for (int n = 0; n < draws; n++)
            counts[TokenSampler.Pick(logits, 1.0, 0.75, random)]++;

        // softmax: 0.609, 0.224, 0.136, 0.030; p = 0.75 keeps the first two.
        double first = Math.Exp(2), second = Math.Exp(1);
        Assert.Equal(first / (first + second), counts[0] / (double)draws, 0.01);
        Assert.Equal(0, counts[2] + counts[3]);
    }

    [Fact]
    public void The_same_seed_draws_the_same_tokens()
    {
        var logits = Enumerable.Range(0, 1000).Select(i => (float)Math.Sin(i)).ToArray();
        int[] Draws(int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, 50).Select(_ => TokenSampler.Pick(logits, 0.8, 0.9, random)).ToArray();
        }

        Assert.Equal(Draws(7), Draws(7));
        Assert.NotEqual(Draws(7), Draws(8));
    }

    [Fact]
    public void Nan_logits_are_never_drawn_and_an_infinite_one_is_taken()
    {
        float[] withNan = [float.NaN, 1f, float.NaN, 1f];
        var random = new Random(1);
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Contains(TokenSampler.Pick(withNan, 1.0, 1.0, random), new[] { 1, 3 }));
        Assert.Equal(2, TokenSampler.Pick([0f, 1f, float.PositiveInfinity, 3f], 1.0, 0.9, random));
    }
}
