using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The gradients a model's fused backward passes returned to libtorch, which takes its own
/// references only after the call returns. Each thread's are freed at that thread's next fused
/// backward (the engine is done with them by then, and freeing them early keeps the live set, and
/// glibc's per-thread heaps, small), and all of them when the pass's owner calls
/// <see cref="Release"/> after the pass. Kept per thread because sharded backward passes run on
/// several threads at once, each handing over its own.
/// </summary>
public sealed class HandedOverGradients
{
    private readonly ConcurrentDictionary<int, List<Tensor>> _byThread = new();

    public int Count => _byThread.Values.Sum(list => list.Count);

    /// <summary>Frees what the calling thread handed over before, as its next backward begins.</summary>
    internal void ReleaseThisThread()
    {
        if (_byThread.TryGetValue(Environment.CurrentManagedThreadId, out var mine))
            Free(mine);
    }

    internal void Add(Tensor gradient) => _byThread.GetOrAdd(Environment.CurrentManagedThreadId, _ => []).Add(gradient);

    /// <summary>Frees every gradient handed over so far; call only when no backward pass of the model is running.</summary>
    public void Release()
    {
        foreach (var list in _byThread.Values)
            Free(list);
    }

    private static void Free(List<Tensor> tensors)
    {
        foreach (var tensor in tensors)
            tensor.Dispose();
        tensors.Clear();
    }
}
