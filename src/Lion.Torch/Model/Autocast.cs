using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// What torch.autocast(device_type="cpu", dtype=torch.bfloat16) does for this model, which
/// TorchSharp lacks: while a thread is inside <see cref="BFloat16"/>, the linear projections
/// compute in bfloat16 — input and weight rounded on the way in, the product made float32 again on
/// the way out — and everything else stays float32: the weights and their updates, norms, rotary
/// positions, the loss. Attention stays float32 too, unlike PyTorch's list: libtorch's bfloat16
/// scaled_dot_product_attention measured slower on the CPU where its products were twice as fast.
/// Thread-local like PyTorch's, so a pass that moves to other threads carries it over
/// (<see cref="Training.ShardedBackward"/>).
/// </summary>
public static class Autocast
{
    [ThreadStatic] private static bool t_bfloat16;

    /// <summary>Whether this thread's projections compute in bfloat16.</summary>
    public static bool IsBFloat16 => t_bfloat16;

    /// <summary>Projections on this thread compute in bfloat16 (or not, <paramref name="enabled"/> false) until the scope ends.</summary>
    public static Scope BFloat16(bool enabled = true)
    {
        var scope = new Scope(t_bfloat16);
        t_bfloat16 = enabled;
        return scope;
    }

    /// <summary>x·Wᵀ + b, in bfloat16 inside a <see cref="BFloat16"/> scope and for float32 input.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (!t_bfloat16 || x.dtype != float32)
            return nn.functional.linear(x, weight, bias);
        using var scope = NewDisposeScope();
        return nn.functional.linear(x.to(bfloat16), weight.to(bfloat16), bias?.to(bfloat16)).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>Restores the thread's setting from before the scope.</summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => t_bfloat16 = previous;
    }
}
