namespace Lion.Torch.Tests.Model.Fused;

/// <summary>What a decoding product over a share of a matrix's rows must have written.</summary>
internal static class ProductChecks
{
    /// <summary>
    /// y[i, r] = W[r]·x[i] + bias[r], summed in double, for W's rows [start, end) and every input
    /// row; the other rows of y still NaN, as the test filled them.
    /// </summary>
    public static void AssertPlainSums(float[] y, float[] weight, float[] bias, float[] x, int count, int columns, int rows, int start, int end)
    {
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
            {
                float actual = y[i * rows + r];
                if (r < start || r >= end)
                {
                    Assert.True(float.IsNaN(actual), $"row {r} of input {i} was written");
                    continue;
                }
                double expected = bias[r];
                for (int k = 0; k < columns; k++)
                    expected += (double)weight[r * columns + k] * x[i * columns + k];
                Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Sqrt(columns), $"input {i}, row {r}: expected {expected}, got {actual}");
            }
    }
}
