using Lion.Torch.Model.Fused;

namespace Lion.Torch.Tests.Model.Fused;

/// <summary>The decoding step's products: y = W·x (+ b) over a share of W's rows, for one to a few more than a block of input rows; and attention's weighted sum of the cached values.</summary>
public sealed unsafe class RowKernelsTests
{
    [Theory]
    [InlineData(1, 70, 4, 19)]
    [InlineData(1, 576, 4, 19)]
    [InlineData(2, 131, 4, 19)]
    [InlineData(3, 64, 4, 19)]
    [InlineData(4, 200, 4, 19)]
    [InlineData(6, 576, 4, 19)]
    [InlineData(16, 96, 0, 23)]
    [InlineData(1, 70, 5, 8)]
    [InlineData(5, 70, 21, 22)]
    [InlineData(7, 131, 2, 23)]
    [InlineData(9, 70, 0, 23)]
    [InlineData(4, 5, 3, 20)]
    [InlineData(32, 576, 0, 23)]
    public void Products_over_a_share_of_rows_match_the_plain_sums_and_leave_the_other_rows_alone(int count, int columns, int start, int end)
    {
        const int rows = 23;
        var random = new Random(count * 1000 + columns);
        float[] weight = Values(random, rows * columns), bias = Values(random, rows), x = Values(random, count * columns);
        var y = Enumerable.Repeat(float.NaN, count * rows).ToArray();

        fixed (float* pw = weight, pb = bias, px = x, py = y)
            RowKernels.Products(pw, pb, columns, px, columns, count, py, rows, start, end);

        ProductChecks.AssertPlainSums(y, weight, bias, x, count, columns, rows, start, end);
    }

    [Theory]
    [InlineData(170, 64)]
    [InlineData(40, 128)]
    [InlineData(33, 72)]
    [InlineData(9, 5)]
    [InlineData(1, 64)]
    public void A_weighted_sum_of_rows_matches_the_plain_sum_and_skips_rows_weighted_zero(int count, int width)
    {
        var random = new Random(count * 1000 + width);
        float[] weights = Values(random, count), rows = Values(random, count * width);
        // Rows weighted zero are masked positions, whose cache rows may hold anything.
        for (int p = 0; p < count; p += 3)
        {
            weights[p] = 0;
            Array.Fill(rows, float.NaN, p * width, width);
        }
        var output = Enumerable.Repeat(float.NaN, width).ToArray();

        fixed (float* pw = weights, pr = rows, po = output)
            RowKernels.WeightedSum(pw, pr, count, width, po);

        for (int c = 0; c < width; c++)
        {
            double expected = 0;
            for (int p = 0; p < count; p++)
                if (weights[p] != 0)
                    expected += (double)weights[p] * rows[p * width + c];
            Assert.True(Math.Abs(output[c] - expected) <= 1e-5 * Math.Sqrt(count), $"column {c}: expected {expected}, got {output[c]}");
        }
    }

    private static float[] Values(Random random, int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
