using Lion.Torch.Model.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// How one model computes, chosen when it is built: which hand-written kernels it takes
/// (<see cref="FusedKernels"/>; the rest run as libtorch's operations), and — set by whoever runs
/// a pass, the trainer for its steps — whether its matrix products compute in bfloat16.
///
/// The bfloat16 setting is what torch.autocast(device_type="cpu", dtype=torch.bfloat16) does for
/// this model, which TorchSharp lacks: inside <see cref="BFloat16"/> the linear projections (input
/// and weight rounded on the way in) and attention's products compute in bfloat16, and everything
/// else stays float32: the weights and their updates, norms, rotary positions, softmax, the loss.
/// A projection's result is float32 again on the way out (<see cref="Linear"/>), or stays bfloat16
/// for a fused kernel that reads it as it is (<see cref="Product"/>). It belongs to the model, not
/// to a thread, so the workers of a sharded backward pass compute as the pass's owner chose.
/// </summary>
public sealed class ModelCompute
{
    public ModelCompute(IReadOnlySet<FusedKernel>? kernels = null) => Kernels = kernels ?? FusedKernels.Measured;

    /// <summary>libtorch's operations throughout: what the kernels are tested against.</summary>
    public static ModelCompute WithoutKernels() => new(new HashSet<FusedKernel>());

    public IReadOnlySet<FusedKernel> Kernels { get; }

    /// <summary>Gradients the fused kernels' backward passes handed to libtorch, released once a backward pass is over.</summary>
    public HandedOverGradients HandedOver { get; } = new();

    /// <summary>Whether the model's projections compute in bfloat16 now.</summary>
    public bool InBFloat16 { get; private set; }

    /// <summary>What the trainer says it computes with.</summary>
    public string Description => FusedKernels.Describe(Kernels);

    /// <summary>Projections compute in bfloat16 (or not, <paramref name="enabled"/> false) until the scope ends.</summary>
    public Scope BFloat16(bool enabled = true)
    {
        var scope = new Scope(this, InBFloat16);
        InBFloat16 = enabled;
        return scope;
    }

    /// <summary>x·Wᵀ + b as float32, computed in bfloat16 inside a <see cref="BFloat16"/> scope.</summary>
    public Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
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
    public Tensor Product(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (!Casts(x))
            return nn.functional.linear(x, weight, bias);
        using var scope = NewDisposeScope();
        return nn.functional.linear(x.to(bfloat16), weight.to(bfloat16), bias?.to(bfloat16)).MoveToOuterDisposeScope();
    }

    /// <summary>Whether <paramref name="tensor"/> takes <paramref name="kernel"/>'s fused path (float32 on the CPU).</summary>
    internal bool Takes(Tensor tensor, FusedKernel kernel) => Kernels.Contains(kernel) && tensor.dtype == float32 && tensor.device_type == DeviceType.CPU;

    /// <summary>The same for a kernel that also takes a bfloat16 product.</summary>
    internal bool TakesWithBFloat16(Tensor tensor, FusedKernel kernel) =>
        Kernels.Contains(kernel) && tensor.dtype is ScalarType.Float32 or ScalarType.BFloat16 && tensor.device_type == DeviceType.CPU;

    private bool Casts(Tensor x) => InBFloat16 && (x.dtype == float32 || x.dtype == bfloat16);

    /// <summary>Restores the setting from before the scope.</summary>
    public readonly struct Scope(ModelCompute compute, bool previous) : IDisposable
    {
        public void Dispose() => compute.InBFloat16 = previous;
    }
}
