using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The lifetime of what a fused kernel's backward touches. TorchSharp hands a backward its
/// upstream gradients and saved tensors as new handles in the caller's dispose scope, and the
/// caller is the whole backward pass: each handle would keep its activation or gradient alive
/// until the pass ends, where libtorch's own operations free theirs as soon as the engine is done
/// with them. The larger live set spills glibc's per-thread heaps, which are unmapped when they
/// empty and faulted in again, page by page, on the next step. This scope frees the saved
/// tensors' and the temporaries' handles when the backward returns, and the upstream handles it
/// is given; the gradients it returns go to the model's <see cref="HandedOverGradients"/>, let go
/// of at the calling thread's next backward (the engine has taken its own references by then).
/// </summary>
internal sealed class BackwardScope : IDisposable
{
    private readonly DisposeScope _scope;
    private readonly IReadOnlyList<Tensor> _upstream;
    private List<Tensor> _results = [];

    private readonly HandedOverGradients _handedOver;

    /// <param name="upstream">The gradients the backward was given, freed with the scope unless returned.</param>
    public BackwardScope(HandedOverGradients handedOver, params IReadOnlyList<Tensor> upstream)
    {
        _handedOver = handedOver;
        handedOver.ReleaseThisThread();
        _upstream = upstream;
        _scope = NewDisposeScope();
    }

    /// <summary>The backward's result: these gradients outlive the scope until the engine has taken them.</summary>
    public List<Tensor> Results(params Tensor?[] gradients)
    {
        _results = [.. gradients.OfType<Tensor>()];
        foreach (var gradient in _results.Where(g => !_upstream.Any(u => ReferenceEquals(u, g))))
            _handedOver.Add(gradient.DetachFromDisposeScope());
        return [.. gradients.Select(g => g!)];
    }

    public void Dispose()
    {
        _scope.Dispose();
        foreach (var tensor in _upstream.Where(t => t is not null && !_results.Any(r => ReferenceEquals(r, t))))
            tensor.Dispose();
    }
}
