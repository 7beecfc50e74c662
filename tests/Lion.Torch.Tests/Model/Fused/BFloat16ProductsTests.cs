using Lion.Torch.Model.Fused;

namespace Lion.Torch.Tests.Model.Fused;

/// <summary>A bfloat16 matrix times a few float32 rows given split into even and odd columns, over a share of the matrix's rows.</summary>
public sealed unsafe class BFloat16ProductsTests
{
    [Theory]
    [InlineData(1, 576, 4, 19)]
    [InlineData(1, 38, 0, 23)]
    [InlineData(2, 70, 4, 19)]
    [InlineData(2, 896, 5, 8)]
    [InlineData(3, 48, 0, 23)]
    [InlineData(3, 22, 21, 22)]
    [InlineData(1, 2, 3, 20)]
    [InlineData(5, 576, 2, 23)]
    [InlineData(8, 96, 0, 23)]
    public void Products_over_a_share_of_rows_match_the_plain_sums_and_leave_the_other_rows_alone(int count, int columns, int start, int end)
    {
        const int rows = 23;
        var random = new Random(count * 1000 + columns);
        var weight = Enumerable.Range(0, rows * columns).Select(_ => (ushort)(BitConverter.SingleToUInt32Bits((float)(random.NextDouble() * 2 - 1)) >> 16)).ToArray();
        var bias = Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var x = Enumerable.Range(0, count * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var split = new float[x.Length];
        var y = Enumerable.Repeat(float.NaN, count * rows).ToArray();

        fixed (ushort* pw = weight)
        fixed (float* pb = bias, px = x, ps = split, py = y)
        {
            for (int i = 0; i < count; i++)
                BFloat16Products.Split(px + i * columns, ps + i * columns, columns);
            BFloat16Products.Products(pw, pb, columns, ps, count, py, rows, start, end);
        }

        var widened = weight.Select(bits => BitConverter.UInt32BitsToSingle((uint)bits << 16)).ToArray();
        ProductChecks.AssertPlainSums(y, widened, bias, x, count, columns, rows, start, end);
    }

    [Fact]
    public void A_row_is_split_into_its_even_columns_then_its_odd_ones()
    {
        float[] x = [0, 1, 2, 3, 4, 5], split = new float[6];

        fixed (float* px = x, ps = split)
            BFloat16Products.Split(px, ps, 6);

        Assert.Equal([0, 2, 4, 1, 3, 5], split);
    }

    [Theory]
    [InlineData(576, true)]
    [InlineData(38, true)]
    [InlineData(7, false)]
    public void A_matrix_is_taken_when_its_columns_pair_up(int columns, bool taken) => Assert.Equal(taken, BFloat16Products.Takes(columns));
}
