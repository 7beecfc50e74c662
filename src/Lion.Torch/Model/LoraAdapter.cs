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

    /// <summary>
    /// <paramref name="product"/> (projections of <paramref name="input"/> side by side, in the type
    /// products compute in now) plus the updates of those of <paramref name="projections"/> that have
    /// an adapter, each projection <c>Width</c> columns wide. The adapters' A matrices are stacked
    /// for one product with the input and their scaled B matrices placed on a block diagonal for
    /// one product that adds into <paramref name="product"/>: two small products and no pass over
    /// the wide result per adapter, where each adapter alone would take two products, a scale and
    /// an addition over it (and as many again backward).
    /// </summary>
    public static Tensor WithUpdates(ModelCompute compute, Tensor product, Tensor input, IReadOnlyList<(LoraAdapter? Adapter, long Width)> projections)
    {
        var adapters = projections.Where(p => p.Adapter is not null).Select(p => p.Adapter!).ToList();
        if (adapters.Count == 0)
            return product;
        using var scope = NewDisposeScope();
        var down = compute.Product(input, adapters.Count == 1 ? adapters[0].A : cat(adapters.Select(a => (Tensor)a.A).ToArray(), 0));
        var blocks = projections.Select(p => p.Adapter is { } adapter
            ? adapter.B * adapter._scale
            : zeros(p.Width, 0, dtype: adapters[0].B.dtype)).ToArray();
        var up = compute.Operand(blocks.Length == 1 ? blocks[0] : block_diag(blocks));
        var sum = addmm(product.view(-1, product.shape[^1]), down.view(-1, down.shape[^1]), up.t(), beta: 1, alpha: 1);
        return sum.view(product.shape).MoveToOuterDisposeScope();
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
        var product = compute.Product(input, projection.weight!, projection.bias);
        return WithUpdates(compute, product, input, [(adapter, product.shape[^1])]).to(float32).MoveToOuterDisposeScope();
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
