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

    /// <summary>
    /// The update in the type products compute in now (bfloat16 inside a
    /// <see cref="ModelCompute.BFloat16"/> scope, as torch.autocast leaves PEFT's), to join a base
    /// product of the same type.
    /// </summary>
    public Tensor Update(Tensor x)
    {
        using var scope = NewDisposeScope();
        return (_compute.Product(_compute.Product(x, A), B) * _scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The projection of <paramref name="x"/> as float32, plus its adapter's update when
    /// <paramref name="adapters"/> has one by that name: inside a bfloat16 scope the input is cast
    /// once for both products and their sum once back.
    /// </summary>
    public static Tensor Project(ModelCompute compute, Linear projection, string name, Tensor x, IReadOnlyDictionary<string, LoraAdapter>? adapters)
    {
        if (adapters is null || !adapters.TryGetValue(name, out var adapter))
            return compute.Linear(x, projection.weight!, projection.bias);
        using var scope = NewDisposeScope();
        var input = compute.Operand(x);
        return compute.Product(input, projection.weight!, projection.bias).Plus(adapter.Update(input)).to(float32).MoveToOuterDisposeScope();
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
