using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// What torch.autocast(device_type="cpu", dtype=torch.bfloat16) does for this model, which
/// TorchSharp lacks: while a thread is inside <see cref="BFloat16"/>, the matrix products compute
/// in bfloat16 — the linear projections here (input and weight rounded on the way in), attention's
/// products in <see cref="Fused.FusedCausalAttention"/> — and everything else stays float32: the
/// weights and their updates, norms, rotary positions, softmax, the loss. A projection's result is
/// float32 again on the way out (<see cref="Linear"/>), or stays bfloat16 for a fused kernel that
/// reads it as it is (<see cref="Product"/>). Thread-local like PyTorch's, so a pass that moves to
/// other threads carries it over (<see cref="Training.ShardedBackward"/>).
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

    /// <summary>x·Wᵀ + b as float32, computed in bfloat16 inside a <see cref="BFloat16"/> scope.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (!Casts(x))
            return nn.functional.linear(x, weight, bias);
        using var scope = NewDisposeScope();
        return Product(x, weight, bias).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// x·Wᵀ + b in the type it is computed in: bfloat16 inside a <see cref="BFloat16"/> scope, for
    /// the fused kernels that read a bfloat16 product as it is (and write its gradient in bfloat16).
    /// </summary>
    public static Tensor Product(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (!Casts(x))
            return nn.functional.linear(x, weight, bias);
        using var scope = NewDisposeScope();
        return nn.functional.linear(x.to(bfloat16), weight.to(bfloat16), bias?.to(bfloat16)).MoveToOuterDisposeScope();
    }

    private static bool Casts(Tensor x) => t_bfloat16 && (x.dtype == float32 || x.dtype == bfloat16);

    /// <summary>Restores the thread's setting from before the scope.</summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => t_bfloat16 = previous;
    }
}
