using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// A projection of an input that a norm's weight scales per feature: linear(x · s, W) equals
/// linear(x, W · s), so the scale goes on whichever of the two is smaller. In training the
/// activations are the larger (thousands of positions) and the weight takes the scale, one pass
/// over the activations saved forward and two backward; in decoding a step has few rows and the
/// activations take it, as they do for a weight already in bfloat16. Inside a
/// <see cref="ModelCompute.BFloat16"/> scope the product is bfloat16.
/// </summary>
internal static class ScaledInput
{
    /// <summary>The projection as float32 (see <see cref="ModelCompute.Linear"/>).</summary>
    public static Tensor Linear(ModelCompute compute, Tensor x, Tensor weight, Tensor? scale, Tensor? bias = null) => Project(compute, compute.Linear, x, weight, scale, bias);

    /// <summary>The projection in the type it is computed in (see <see cref="ModelCompute.Product"/>).</summary>
    public static Tensor Product(ModelCompute compute, Tensor x, Tensor weight, Tensor? scale, Tensor? bias = null) => Project(compute, compute.Product, x, weight, scale, bias);

    /// <summary>The input and the weight with the scale on whichever of the two is smaller.</summary>
    public static (Tensor X, Tensor Weight) Operands(ModelCompute compute, Tensor x, Tensor weight, Tensor scale)
    {
        long rows = x.numel() / x.shape[^1];
        // A weight already in bfloat16, or computed from its bfloat16 copy (a frozen weight's), would
        // be rounded twice if it took the scale.
        return rows > weight.shape[0] && weight.dtype == ScalarType.Float32 && !compute.ComputesFromCopy(weight)
            ? (x, weight * scale)
            : (x * scale, weight);
    }

    private static Tensor Project(ModelCompute compute, Func<Tensor, Tensor, Tensor?, Tensor> linear, Tensor x, Tensor weight, Tensor? scale, Tensor? bias)
    {
        if (scale is null)
            return linear(x, weight, bias);
        using var scope = NewDisposeScope();
        var (input, scaled) = Operands(compute, x, weight, scale);
        return linear(input, scaled, bias).MoveToOuterDisposeScope();
    }
}
