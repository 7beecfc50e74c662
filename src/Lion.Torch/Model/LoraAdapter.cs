using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// The trainable low-rank update of one projection: (α/r)·x·Aᵀ·Bᵀ, A drawn small and B zero so
/// training starts from the base model exactly. It lives outside the module tree, so it is
/// never saved by itself: <see cref="MergeInto"/> folds it into the projection's weight.
/// </summary>
public sealed class LoraAdapter : IDisposable
{
    private readonly Scalar _scale; // held: see HeldScalars

    public LoraAdapter(Linear projection, int rank, double alpha)
    {
        long output = projection.weight!.shape[0], input = projection.weight.shape[1];
        _scale = (alpha / rank).ToScalar();
        using Scalar spread = Math.Sqrt(input);
        A = new Parameter(randn(rank, input).div_(spread));
        B = new Parameter(zeros(output, rank));
    }

    public Parameter A { get; }
    public Parameter B { get; }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return (matmul(matmul(x, A.t()), B.t()) * _scale).MoveToOuterDisposeScope();
    }

    public void MergeInto(Linear projection)
    {
        using var noGrad = no_grad();
        using var update = matmul(B, A) * _scale;
        projection.weight!.add_(update, HeldScalars.One);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        _scale.Dispose();
    }
}
