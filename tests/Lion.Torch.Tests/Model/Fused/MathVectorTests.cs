using System.Numerics;
using System.Runtime.Intrinsics;
using Lion.Torch.Model.Fused;

namespace Lion.Torch.Tests.Model.Fused;

/// <summary>The inlined exp of both vector widths agrees with the scalar one, across the range softmax and SwiGLU feed it.</summary>
public sealed class MathVectorTests
{
    private static readonly float[] Inputs = Enumerable.Range(0, 4096).Select(i => -100f + i * (200f / 4095)).ToArray();

    private static void AssertClose(float expected, float actual) =>
        Assert.True(Math.Abs(actual - expected) <= 2e-7 * Math.Abs(expected) + 1e-38, $"exp: expected {expected}, got {actual}");

    [Fact]
    public void The_vector_exp_matches_the_scalar_one_to_float_precision()
    {
        int width = Vector<float>.Count;
        for (int i = 0; i + width <= Inputs.Length; i += width)
        {
            var result = MathVector.Exp(new Vector<float>(Inputs, i));
            for (int lane = 0; lane < width; lane++)
                AssertClose(MathF.Exp(Math.Clamp(Inputs[i + lane], -87f, 88f)), result[lane]);
        }
    }

    [Fact]
    public void The_512_bit_exp_gives_the_same_floats_as_the_vector_one()
    {
        for (int i = 0; i + 16 <= Inputs.Length; i += 16)
        {
            var wide = Math512.Exp(Vector512.Create(Inputs.AsSpan(i, 16)));
            for (int lane = 0; lane < 16; lane += Vector<float>.Count)
            {
                var narrow = MathVector.Exp(new Vector<float>(Inputs, i + lane));
                for (int k = 0; k < Vector<float>.Count; k++)
                    Assert.Equal(wide[lane + k], narrow[k]);
            }
        }
    }
}
