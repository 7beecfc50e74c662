using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed unsafe class BFloat16RowsTests
{
    /// <summary>Ties between two bfloat16 values, infinities, NaN and random values, in whole vectors and in a tail past the last one.</summary>
    private static float[] Values()
    {
        var random = new Random(2);
        float[] special = [1 + 1f / 256, 1 + 3f / 256, -(1 + 1f / 256), float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0f, -0f, float.MaxValue, float.Epsilon];
        var values = special.ToList();
        values.AddRange(Enumerable.Range(0, 60).Select(_ => (float)(random.NextDouble() - 0.5) * MathF.Pow(10, random.Next(-8, 8))));
        // The specials again in the tail, which is converted one at a time.
        values.AddRange(special);
        return [.. values];
    }

    [Fact]
    public void Rounding_to_bfloat16_gives_libtorchs_bits()
    {
        var values = Values();
        var expected = tensor(values).to(bfloat16);

        var rounded = new ushort[values.Length];
        BFloat16Rows.Narrow(values, rounded);

        Assert.Equal(BFloat16Rows.Bits(expected), rounded);
    }

    [Fact]
    public void Widening_gives_libtorchs_float32_values_exactly()
    {
        var rounded = tensor(Values()).to(bfloat16);
        var bits = BFloat16Rows.Bits(rounded);

        var widened = new float[bits.Length];
        BFloat16Rows.Widen(bits, widened);

        Assert.Equal(rounded.to(float32).data<float>().ToArray(), widened);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70_000)]
    [InlineData(200_003)]
    public void A_tensor_holds_only_bfloat16_values_until_one_element_has_a_lower_half(int at)
    {
        manual_seed(4);
        using var exact = randn(200_004).to(bfloat16).to(float32);
        using var inexact = exact.clone();
        inexact[at] = inexact[at] + 1e-6f;

        Assert.True(BFloat16Rows.HoldsOnlyBFloat16(exact));
        Assert.False(BFloat16Rows.HoldsOnlyBFloat16(inexact));
        using var narrowed = BFloat16Rows.Narrowed(exact);
        using var widened = BFloat16Rows.Widened(narrowed);
        Assert.True(widened.allclose(exact, rtol: 0, atol: 0));
    }
}
