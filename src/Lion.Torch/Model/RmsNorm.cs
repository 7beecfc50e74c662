using Lion.Torch.Model.Fused;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>Root-mean-square layer norm (TorchSharp 0.107 has none), computed in float32 as LLaMA does.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _eps, _size; // held: see HeldScalars
    private readonly double _epsValue;
    private readonly ModelCompute _compute;
#pragma warning disable IDE1006 // Hugging Face parameter names
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public RmsNorm(int size, double eps, ModelCompute compute) : base(nameof(RmsNorm))
    {
        _compute = compute;
        _epsValue = eps;
        _eps = eps.ToScalar();
        _size = size.ToScalar();
        weight = new Parameter(ones(size));
        RegisterComponents();
    }

    /// <summary>The learned scale, for a following projection to apply (see <see cref="ScaledInput"/>).</summary>
    internal Parameter Weight => weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return (weight * Normalize(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The input divided by its root mean square, before the learned scale: the projection that
    /// comes next applies the scale where it is cheaper (see <see cref="ScaledInput"/>).
    /// <paramref name="forProduct"/>: only a product reads the result, which may then be rounded to
    /// the type it computes in as it is written (bfloat16 inside a <see cref="ModelCompute.BFloat16"/> scope).
    /// </summary>
    internal Tensor Normalize(Tensor input, bool forProduct = false)
    {
        if (_compute.Takes(input, FusedKernel.RmsNorm))
            return FusedRmsNorm.Apply(input, _epsValue, _compute.HandedOver, forProduct && _compute.InBFloat16 ? bfloat16 : float32);
        return Normalized(input);
    }

    /// <summary>
    /// The normalized input with the learned scale applied, when the scale is frozen (LoRA's) and
    /// only products read the result: the scale cannot go on their weights (held in bfloat16, they
    /// would be rounded twice), so it is applied here, before the one rounding to the products'
    /// type; null when the scale trains (<see cref="ScaledInput"/> places it then).
    /// </summary>
    internal Tensor? NormalizeFrozenScaled(Tensor input)
    {
        if (weight.requires_grad)
            return null;
        if (_compute.Takes(input, FusedKernel.RmsNorm))
            return FusedRmsNorm.Apply(input, _epsValue, _compute.HandedOver, _compute.InBFloat16 ? bfloat16 : float32, weight);
        using var scope = NewDisposeScope();
        return (Normalized(input) * weight).MoveToOuterDisposeScope();
    }

    private Tensor Normalized(Tensor input)
    {
        using var scope = NewDisposeScope();
        bool single = input.dtype == float32;
        var x = single ? input : input.to(float32);
        // The mean square from the vector norm: one pass over x forward and one backward, where
        // square-then-mean takes two forward and four backward (pow's gradient alone is three).
        var meanSquare = linalg.vector_norm(x, 2, [-1], keepdim: true).square().div_(_size);
        var normed = x * rsqrt(meanSquare.add_(_eps, HeldScalars.One));
        return (single ? normed : normed.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
