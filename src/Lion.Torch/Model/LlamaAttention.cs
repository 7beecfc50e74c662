using Lion.Torch.Model.Fused;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// Grouped-query self-attention with rotary positions: over whole sequences (training, scoring,
/// LoRA adapters or not) through the fused kernels (<see cref="FusedCausalAttention"/>), in
/// decoding through scaled_dot_product_attention.
/// </summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor>
{
    private readonly LlamaConfig _config;
    private readonly ModelCompute _compute;
#pragma warning disable IDE1006 // Hugging Face parameter names
    private readonly Linear q_proj, k_proj, v_proj, o_proj;
#pragma warning restore IDE1006

    /// <summary>LoRA updates by projection name, while adapters are attached (not part of the module tree).</summary>
    internal Dictionary<string, LoraAdapter>? Adapters { get; set; }

    internal IEnumerable<(string Name, Linear Projection)> Projections() =>
        [("q_proj", q_proj), ("k_proj", k_proj), ("v_proj", v_proj), ("o_proj", o_proj)];

    private Tensor Project(Linear projection, string name, Tensor x) => LoraAdapter.Project(_compute, projection, name, x, Adapters);

    public LlamaAttention(LlamaConfig config, ModelCompute compute) : base(nameof(LlamaAttention))
    {
        _config = config;
        _compute = compute;
        int kv = config.NumKeyValueHeads * config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, config.NumAttentionHeads * config.HeadDim, hasBias: config.AttentionBias);
        k_proj = nn.Linear(config.HiddenSize, kv, hasBias: config.AttentionBias);
        v_proj = nn.Linear(config.HiddenSize, kv, hasBias: config.AttentionBias);
        o_proj = nn.Linear(config.NumAttentionHeads * config.HeadDim, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => Forward(hidden, inputScale: null);

    /// <summary>Causal attention over the whole sequence; <paramref name="inputScale"/> (a norm's weight) scales the input per feature when given.</summary>
    internal Tensor Forward(Tensor hidden, Tensor? inputScale)
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = RotaryEmbedding.Cached((int)hidden.shape[1], _config.HeadDim, _config.RopeTheta, _config.RopeScaling);
        if (_compute.TakesWithBFloat16(hidden, FusedKernel.Attention))
        {
            // Rotation and the heads' layout in one kernel, each key head's group of queries side by
            // side, then attention by blocks of queries; the result, [batch, kv heads, length, group ·
            // head dim], holds head kv·group + g where Output expects it.
            var product = Adapters is null ? Product(hidden, inputScale, computeType: true) : AdaptedProduct(hidden, inputScale);
            var (rq, rk, rv) = FusedRotaryHeads.Apply(product, cos, sin, _config.NumAttentionHeads, _config.NumKeyValueHeads,
                _compute.HandedOver);
            var grouped = FusedCausalAttention.Apply(rq, rk, rv, _compute);
            return Output(grouped.view(rk.shape[0], rk.shape[1], rk.shape[2], -1)).MoveToOuterDisposeScope();
        }
        var (q, k, v) = QueryKeyValue(hidden, inputScale, cos, sin);
        return Attend(q, k, v, mask: null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The decoding path: new positions only, rotary tables per row ([batch, 1, length, head dim]),
    /// an explicit mask ([batch, 1, length, all positions], true where attention may look), and the
    /// layer's cache, which the new keys and values join.
    /// </summary>
    public Tensor Forward(Tensor hidden, Tensor? inputScale, Tensor cos, Tensor sin, Tensor mask, LayerCache cache)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = QueryKeyValue(hidden, inputScale, cos, sin);
        var (keys, values) = cache.Append(k, v);
        return Attend(q, keys, values, mask).MoveToOuterDisposeScope();
    }

    /// <summary>Queries, keys and values as [batch, heads, length, head dim], queries and keys rotated.</summary>
    private (Tensor Q, Tensor K, Tensor V) QueryKeyValue(Tensor hidden, Tensor? inputScale, Tensor cos, Tensor sin)
    {
        long batch = hidden.shape[0], length = hidden.shape[1];
        int heads = _config.NumAttentionHeads, kvHeads = _config.NumKeyValueHeads, dim = _config.HeadDim;
        Tensor query, key, value;
        if (Adapters is null && !ModelCompute.FewRows(hidden))
        {
            var parts = Product(hidden, inputScale).split([heads * dim, kvHeads * dim, kvHeads * dim], -1);
            (query, key, value) = (parts[0], parts[1], parts[2]);
        }
        else
        {
            if (inputScale is not null)
                hidden = hidden * inputScale;
            (query, key, value) = (Project(q_proj, "q_proj", hidden), Project(k_proj, "k_proj", hidden), Project(v_proj, "v_proj", hidden));
        }
        var q = RotaryEmbedding.Apply(query.reshape(batch, length, heads, dim).transpose(1, 2), cos, sin);
        var k = RotaryEmbedding.Apply(key.reshape(batch, length, kvHeads, dim).transpose(1, 2), cos, sin);
        var v = value.reshape(batch, length, kvHeads, dim).transpose(1, 2);
        return (q, k, v);
    }

    /// <summary>
    /// Queries, keys and values side by side from one product: a wider matrix keeps the CPU's
    /// matmul busier than three narrow ones; the weights stay three Hugging Face parameters. In
    /// the <paramref name="computeType"/> (bfloat16 under <see cref="ModelCompute.BFloat16"/>) for the fused
    /// kernel, float32 otherwise.
    /// </summary>
    private Tensor Product(Tensor hidden, Tensor? inputScale, bool computeType = false)
    {
        var weight = _compute.Joined(q_proj.weight!, k_proj.weight!, v_proj.weight!);
        var bias = _config.AttentionBias ? cat([q_proj.bias!, k_proj.bias!, v_proj.bias!], 0) : null;
        return computeType ? ScaledInput.Product(_compute, hidden, weight, inputScale, bias) : ScaledInput.Linear(_compute, hidden, weight, inputScale, bias);
    }

    /// <summary>
    /// Queries, keys and values side by side, as <see cref="Product"/> lays them out, with the
    /// adapters' updates added: one product of the joined weights (from their bfloat16 copies,
    /// which are frozen) and the adapters' two small ones, all reading the input cast once, in the
    /// type the fused kernel reads.
    /// </summary>
    private Tensor AdaptedProduct(Tensor hidden, Tensor? inputScale)
    {
        if (inputScale is not null)
            hidden = hidden * inputScale;
        var input = _compute.Operand(hidden);
        var projected = Product(input, inputScale: null, computeType: true);
        return LoraAdapter.WithUpdates(_compute, projected, input,
            [.. Projections().Take(3).Select(p => (Adapters!.GetValueOrDefault(p.Name), p.Projection.weight!.shape[0]))]);
    }

    /// <summary>Attention of the queries over the keys (each key head shared by its group of query heads), then the output projection.</summary>
    private Tensor Attend(Tensor q, Tensor keys, Tensor values, Tensor? mask)
    {
        int heads = _config.NumAttentionHeads, kvHeads = _config.NumKeyValueHeads, group = heads / kvHeads;
        long batch = q.shape[0], length = q.shape[2];
        Tensor attended;
        if (mask is null)
        {
            if (group > 1)
            {
                keys = keys.repeat_interleave(group, dim: 1);
                values = values.repeat_interleave(group, dim: 1);
            }
            attended = nn.functional.scaled_dot_product_attention(q, keys, values, is_casual: true);
        }
        else
        {
            // Decoding: a group's queries are stacked along the length axis against their one key
            // head, so the cache is read as it is instead of being copied once per query head.
            var grouped = q.reshape(batch, kvHeads, group * length, _config.HeadDim);
            var groupedMask = group > 1 ? mask.repeat(1, 1, group, 1) : mask;
            attended = nn.functional.scaled_dot_product_attention(grouped, keys, values, attn_mask: groupedMask)
                .view(batch, heads, length, _config.HeadDim);
        }
        return Output(attended);
    }

    /// <summary>The heads' results ([batch, heads, length, head dim], or heads in groups: [batch, kv heads, length, group · head dim]) side by side, through the output projection.</summary>
    private Tensor Output(Tensor attended)
    {
        long batch = attended.shape[0], length = attended.shape[2];
        var merged = attended.transpose(1, 2).contiguous().view(batch, length, _config.NumAttentionHeads * _config.HeadDim);
        return Project(o_proj, "o_proj", merged);
    }
}
