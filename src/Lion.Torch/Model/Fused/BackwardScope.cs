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
/// is given; the gradients it returns are let go of at the calling thread's next backward (the
/// engine has taken its own references by then) or at <see cref="ReleaseHandedOver"/>.
/// </summary>
internal sealed class BackwardScope : IDisposable
{
    [ThreadStatic]
    private static List<Tensor>? t_handedOver;

    private readonly DisposeScope _scope;
    private readonly IReadOnlyList<Tensor> _upstream;
    private List<Tensor> _results = [];

    /// <param name="upstream">The gradients the backward was given, freed with the scope unless returned.</param>
    public BackwardScope(params IReadOnlyList<Tensor> upstream)
    {
        ReleaseHandedOver();
        _upstream = upstream;
        _scope = NewDisposeScope();
    }

    /// <summary>The backward's result: these gradients outlive the scope until the engine has taken them.</summary>
    public List<Tensor> Results(params Tensor?[] gradients)
    {
        _results = [.. gradients.OfType<Tensor>()];
        t_handedOver ??= [];
        foreach (var gradient in _results.Where(g => !_upstream.Any(u => ReferenceEquals(u, g))))
            t_handedOver.Add(gradient.DetachFromDisposeScope());
        return [.. gradients.Select(g => g!)];
    }

    /// <summary>Frees the handles of the gradients this thread's last backward returned.</summary>
    public static void ReleaseHandedOver()
    {
        if (t_handedOver is not { Count: > 0 } handedOver)
            return;
        foreach (var tensor in handedOver)
            tensor.Dispose();
        handedOver.Clear();
    }

    public void Dispose()
    {
        _scope.Dispose();
        foreach (var tensor in _upstream.Where(t => t is not null && !_results.Any(r => ReferenceEquals(r, t))))
            tensor.Dispose();
    }
}
