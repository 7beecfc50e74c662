using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// A projection of an input that a norm's weight scales per feature: linear(x · s, W) equals
/// linear(x, W · s), so the scale goes on whichever of the two is smaller. In training the
/// activations are the larger (thousands of positions) and the weight takes the scale, one pass
/// over the activations saved forward and two backward; in decoding a step has few rows and the
/// activations take it. Inside an <see cref="Autocast"/> scope the product is bfloat16.
/// </summary>
internal static class ScaledInput
{
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? scale, Tensor? bias = null)
    {
        if (scale is null)
            return Autocast.Linear(x, weight, bias);
        long rows = x.numel() / x.shape[^1];
        return rows > weight.shape[0]
            ? Autocast.Linear(x, weight * scale, bias)
            : Autocast.Linear(x * scale, weight, bias);
    }
}
