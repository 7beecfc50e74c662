using Lion.Torch.Model.Fused;
using Lion.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
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

    /// <summary>
    /// Whether a pass that takes gradients keeps only each decoder layer's input and computes the
    /// layer again in the backward pass (<see cref="LayerCheckpoint"/>); set by the trainer for its steps.
    /// </summary>
    public bool CheckpointsLayers { get; set; }

    /// <summary>Frozen parameters' bfloat16 copies, made once inside a <see cref="BFloat16"/> scope.</summary>
    private readonly Dictionary<Parameter, Tensor> _frozenInBFloat16 = new(ReferenceEqualityComparer.Instance);

    /// <summary>Frozen weights' copies joined for one product, by the first weight (<see cref="JoinedCopy"/>).</summary>
    private readonly Dictionary<Parameter, (Tensor[] Parts, Tensor Joined)> _joinedInBFloat16 = new(ReferenceEqualityComparer.Instance);

    /// <summary>Frozen parameters whose float32 storage is released while their copies stand in (<see cref="HoldInBFloat16"/>).</summary>
    private readonly HashSet<Parameter> _released = new(ReferenceEqualityComparer.Instance);

    /// <summary>What the trainer says it computes with.</summary>
    public string Description => FusedKernels.Describe(Kernels);

    /// <summary>Projections compute in bfloat16 (or not, <paramref name="enabled"/> false) until the scope ends.</summary>
    public Scope BFloat16(bool enabled = true)
    {
        var scope = new Scope(this, InBFloat16);
        if (!enabled)
            RestoreReleased();
        InBFloat16 = enabled;
        return scope;
    }

    /// <summary>
    /// Inside a <see cref="BFloat16"/> scope, holds each frozen matrix among <paramref name="weights"/>
    /// only as its bfloat16 copy when that copy holds the same values (as a checkpoint published in
    /// bfloat16 does): its float32 storage is released until the scope ends, then written back from
    /// the copy, bit for bit. The weights must be the objects the model's passes read (an embedding
    /// hands out a new wrapper on each read). Returns the bytes released.
    /// </summary>
    public long HoldInBFloat16(IEnumerable<Parameter> weights)
    {
        if (!InBFloat16)
            return 0;
        long released = 0;
        using var noGrad = no_grad();
        foreach (var weight in weights.Where(w => IsFrozen(w) && w.dim() >= 2 && w.is_contiguous() && w.device_type == DeviceType.CPU))
        {
            if (!BFloat16Rows.HoldsOnlyBFloat16(weight))
                continue;
            lock (_frozenInBFloat16)
            {
                if (!_released.Add(weight))
                    continue;
                if (!_frozenInBFloat16.ContainsKey(weight))
                    _frozenInBFloat16[weight] = BFloat16Rows.Narrowed(weight).DetachFromDisposeScope();
                // A reader that should have taken the copy reads NaN: loud, never silently stale.
                using var scope = NewDisposeScope();
                weight.set_(full(1, float.NaN).expand(weight.shape));
            }
            released += weight.numel() * sizeof(float);
        }
        GlibcHeap.ReturnFreedMemory();
        return released;
    }

    /// <summary>The bfloat16 copy standing in for <paramref name="weight"/> while its float32 storage is released, else null.</summary>
    internal Tensor? HeldCopy(Tensor weight)
    {
        lock (_frozenInBFloat16)
            return weight is Parameter parameter && _released.Contains(parameter) ? _frozenInBFloat16[parameter] : null;
    }

    /// <summary>Whether a product takes <paramref name="weight"/> from its bfloat16 copy now (a frozen weight inside a scope).</summary>
    internal bool ComputesFromCopy(Tensor weight) => InBFloat16 && IsFrozen(weight);

    /// <summary>x·Wᵀ + b as float32, computed in bfloat16 inside a <see cref="BFloat16"/> scope.</summary>
    public Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (!Casts(x))
            return nn.functional.linear(x, weight, bias);
        using var scope = NewDisposeScope();
        return Product(x, weight, bias).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="x"/> in the type products take it in now: cast once where several products
    /// read the same input, each of which would otherwise cast it again (and sum the casts'
    /// gradients backward).
    /// </summary>
    public Tensor Operand(Tensor x) => Casts(x) ? x.to(bfloat16) : x;

    /// <summary>
    /// x·Wᵀ + b in the type it is computed in: bfloat16 inside a <see cref="BFloat16"/> scope, for
    /// the fused kernels that read a bfloat16 product as it is (and write its gradient in bfloat16).
    /// </summary>
    public Tensor Product(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (!Casts(x))
            return nn.functional.linear(x, weight, bias);
        using var scope = NewDisposeScope();
        return nn.functional.linear(x.to(bfloat16), InComputeType(weight), bias?.to(bfloat16)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Weights side by side (rows after rows) for one wider product. Frozen ones inside a
    /// <see cref="BFloat16"/> scope are joined from their bfloat16 copies; float32 ones that take
    /// no gradient here are read where they lie (<see cref="SharedRows"/>); others are joined as
    /// float32, cast where the product is computed (after a norm's scale, so they are rounded once).
    /// </summary>
    public Tensor Joined(params Tensor[] weights)
    {
        if (InBFloat16 && weights.All(IsFrozen))
            return JoinedCopy(weights);
        if ((!is_grad_enabled() || !weights.Any(w => w.requires_grad)) && SharedRows(weights) is { } shared)
            return shared;
        using var joinScope = NewDisposeScope();
        return cat(weights.Select(w => HeldCopy(w)?.to(float32) ?? w).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Float32 weight matrices of one width as one matrix of their rows, without a copy: the first
    /// time, their values move into one tensor and each weight becomes a view of its rows there (the
    /// same parameters, the same values); after that the rows are read where they lie. A join per
    /// pass would copy the weights once for every pass and worker, and keep each copy for the
    /// backward pass (the MLP's gate and up alone are 35 MB a layer at 0.5B). Null where they cannot
    /// be read so (not float32 CPU matrices of one width, or one released for its bfloat16 copy).
    /// </summary>
    private Tensor? SharedRows(Tensor[] weights)
    {
        long columns = weights[0].shape[^1];
        if (weights.Any(w => w is not Parameter || w.dim() != 2 || w.shape[1] != columns || w.dtype != float32 || w.device_type != DeviceType.CPU
                             || w.numel() == 0 || HeldCopy(w) is not null))
            return null;
        lock (_frozenInBFloat16)
        {
            if (!LieInRows(weights))
            {
                // Inside a checkpointed layer's forward pass (no gradients, but a pass that trains),
                // moving weights that take a gradient left libtorch's engine without the gradients of
                // the biases beside them for that pass: there they are joined by a copy, as in any
                // pass that trains them.
                if (CheckpointsLayers && weights.Any(w => w.requires_grad))
                    return null;
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var joined = cat(weights, 0);
                long row = 0;
                foreach (var weight in weights)
                {
                    weight.set_(joined.narrow(0, row, weight.shape[0]));
                    row += weight.shape[0];
                }
            }
            return weights[0].as_strided([weights.Sum(w => w.shape[0]), columns], [columns, 1], weights[0].storage_offset());
        }
    }

    /// <summary>Whether the weights' rows follow one another in one storage, in order.</summary>
    private static unsafe bool LieInRows(Tensor[] weights)
    {
        if (!weights.All(w => w.is_contiguous()))
            return false;
        float* first = FloatMemory.Of(weights[0]);
        long offset = 0, start = weights[0].storage_offset();
        foreach (var weight in weights)
        {
            // The same offset into the storage and the same address: the same storage.
            if (FloatMemory.Of(weight) != first + offset || weight.storage_offset() != start + offset)
                return false;
            offset += weight.numel();
        }
        return true;
    }

    /// <summary>
    /// Frozen weights' bfloat16 copies joined once for the scope, as their single copies are made
    /// once: each weight's own copy becomes a view of its rows in the joined one, so the scope still
    /// holds one copy of each weight, and no product joins them again.
    /// </summary>
    private Tensor JoinedCopy(Tensor[] weights)
    {
        var first = (Parameter)weights[0];
        lock (_frozenInBFloat16)
        {
            if (_joinedInBFloat16.TryGetValue(first, out var cached))
            {
                if (cached.Parts.SequenceEqual(weights, ReferenceEqualityComparer.Instance))
                    return cached.Joined;
                using var otherScope = NewDisposeScope();
                return cat(weights.Select(InComputeType).ToArray(), 0).MoveToOuterDisposeScope();
            }
            using var noGrad = no_grad();
            Tensor joined;
            using (var scope = NewDisposeScope())
                joined = cat(weights.Select(InComputeType).ToArray(), 0).DetachFromDisposeScope();
            long row = 0;
            foreach (var weight in weights.Cast<Parameter>())
            {
                var rows = joined.narrow(0, row, weight.shape[0]).DetachFromDisposeScope();
                _frozenInBFloat16.Remove(weight, out var own);
                own?.Dispose();
                _frozenInBFloat16[weight] = rows;
                row += weight.shape[0];
            }
            _joinedInBFloat16[first] = (weights, joined);
            return joined;
        }
    }

    /// <summary>
    /// <paramref name="weight"/> in the type products compute in now. Inside a <see cref="BFloat16"/>
    /// scope a frozen parameter (LoRA's base weights) is cast once for the scope and the copy shared:
    /// every step of every worker reads it, and casting it anew each time costs a pass over the
    /// weights and a copy held for each backward pass.
    /// </summary>
    internal Tensor InComputeType(Tensor weight)
    {
        if (!InBFloat16 || weight.dtype != float32)
            return weight;
        if (!IsFrozen(weight))
            return weight.to(bfloat16);
        var frozen = (Parameter)weight;
        lock (_frozenInBFloat16)
        {
            if (!_frozenInBFloat16.TryGetValue(frozen, out var copy))
            {
                using var noGrad = no_grad();
                copy = frozen.to(bfloat16).DetachFromDisposeScope();
                _frozenInBFloat16[frozen] = copy;
            }
            return copy;
        }
    }

    /// <summary>A float32 parameter that takes no gradient: its value holds for a scope.</summary>
    private static bool IsFrozen(Tensor weight) => weight is Parameter { requires_grad: false } && weight.dtype == float32;

    private void Restore(bool previous)
    {
        InBFloat16 = previous;
        RestoreReleased();
        lock (_frozenInBFloat16)
        {
            foreach (var copy in _frozenInBFloat16.Values)
                copy.Dispose();
            _frozenInBFloat16.Clear();
            foreach (var (_, joined) in _joinedInBFloat16.Values)
                joined.Dispose();
            _joinedInBFloat16.Clear();
        }
    }

    /// <summary>
    /// Writes each released weight back as float32 from its copy (the same values), dropping the copy
    /// as it goes; the memory the scope's passes freed is handed back first, so the weights' return
    /// does not stack on it.
    /// </summary>
    private void RestoreReleased()
    {
        lock (_frozenInBFloat16)
        {
            if (_released.Count == 0)
                return;
            GlibcHeap.ReturnFreedMemory();
            using var noGrad = no_grad();
            foreach (var weight in _released)
            {
                using (var scope = NewDisposeScope())
                    weight.set_(BFloat16Rows.Widened(_frozenInBFloat16[weight]));
                _frozenInBFloat16.Remove(weight, out var copy);
                copy!.Dispose();
            }
            _released.Clear();
        }
    }

    /// <summary>
    /// Whether products over <paramref name="x"/> have so few rows (a decoding step's) that reading
    /// the weights is what they cost: then weights joined side by side for a wider product are not
    /// worth the copy that joins them, and each projection reads its own.
    /// </summary>
    internal static bool FewRows(Tensor x) => x.numel() / x.shape[^1] < 64;

    /// <summary>Whether <paramref name="tensor"/> takes <paramref name="kernel"/>'s fused path (float32 on the CPU).</summary>
    internal bool Takes(Tensor tensor, FusedKernel kernel) => Kernels.Contains(kernel) && tensor.dtype == float32 && tensor.device_type == DeviceType.CPU;

    /// <summary>The same for a kernel that also takes a bfloat16 product.</summary>
    internal bool TakesWithBFloat16(Tensor tensor, FusedKernel kernel) =>
        Kernels.Contains(kernel) && tensor.dtype is ScalarType.Float32 or ScalarType.BFloat16 && tensor.device_type == DeviceType.CPU;

    private bool Casts(Tensor x) => InBFloat16 && (x.dtype == float32 || x.dtype == bfloat16);

    /// <summary>Restores the setting from before the scope; the frozen weights' copies made inside it are dropped.</summary>
    public readonly struct Scope(ModelCompute compute, bool previous) : IDisposable
    {
        public void Dispose() => compute.Restore(previous);
    }
}
