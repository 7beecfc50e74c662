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

    private readonly ModelCompute _compute;

    public LoraAdapter(Linear projection, int rank, double alpha, ModelCompute compute)
    {
        _compute = compute;
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
        return (_compute.Linear(_compute.Linear(x, A), B) * _scale).MoveToOuterDisposeScope();
    }

    /// <summary>The projection of <paramref name="x"/>, plus its adapter's update when <paramref name="adapters"/> has one by that name.</summary>
    public static Tensor Project(ModelCompute compute, Linear projection, string name, Tensor x, IReadOnlyDictionary<string, LoraAdapter>? adapters)
    {
        var projected = compute.Linear(x, projection.weight!, projection.bias);
        return adapters is not null && adapters.TryGetValue(name, out var adapter) ? projected.Plus(adapter.Forward(x)) : projected;
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
