using Lion.Torch.Model.Fused;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// A LLaMA-family causal language model whose parameter names are Hugging Face's
/// ("model.layers.0.self_attn.q_proj.weight", "lm_head.weight"), so checkpoints load and save
/// without a rename table. With tied embeddings the head reuses the embedding matrix and no
/// "lm_head.weight" exists, as in Hugging Face's files.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Hugging Face parameter names
    private readonly LlamaModel model;
    private readonly Linear? lm_head;
#pragma warning restore IDE1006

    /// <param name="kernels">The fused kernels it takes (<see cref="Fused.FusedKernels"/>); null, those measured faster on this CPU.</param>
    public LlamaForCausalLM(LlamaConfig config, IReadOnlySet<Fused.FusedKernel>? kernels = null) : base(nameof(LlamaForCausalLM))
    {
        Config = config;
        Compute = new ModelCompute(kernels);
        model = new LlamaModel(config, Compute);
        if (!config.TieWordEmbeddings)
            lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        Initialize();
    }

    /// <summary>
    /// Hugging Face's initialisation for a fresh model: matrices from N(0, 0.02²), biases 0, norm
    /// scales 1. TorchSharp's defaults (N(0, 1) embeddings) start a tied head with logits far too large.
    /// </summary>
    private void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal))
                parameter.fill_(HeldScalars.One);
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                parameter.zero_();
            else
                parameter.normal_(0, 0.02);
        }
    }

    public LlamaConfig Config { get; }

    /// <summary>How it computes: its kernels, chosen when it was built, and its products' type in the pass under way.</summary>
    public ModelCompute Compute { get; }

    /// <summary>
    /// Attaches LoRA adapters to the targeted projections of every layer and freezes everything
    /// else; returns the adapter parameters, the only ones to train.
    /// </summary>
    public IReadOnlyList<Parameter> AttachLora(int rank, double alpha, IReadOnlyCollection<string> targets,
        IReadOnlyDictionary<string, (Tensor A, Tensor B)>? initial = null)
    {
        foreach (var parameter in parameters())
            parameter.requires_grad = false;
        var trainable = new List<Parameter>();
        foreach (var layer in model.Layers)
        {
            layer.Attention.Adapters = Adapters(layer.Attention.Projections(), rank, alpha, targets, trainable);
            layer.Mlp.Adapters = Adapters(layer.Mlp.Projections(), rank, alpha, targets, trainable);
        }
        if (trainable.Count == 0)
            throw new ArgumentException($"no projection is named {string.Join(", ", targets)}", nameof(targets));
        if (initial is not null)
        {
            using var noGrad = no_grad();
            foreach (var (path, _, adapter) in LoraSites())
                if (adapter is not null && initial.TryGetValue(path, out var start))
                {
                    adapter.A.copy_(start.A);
                    adapter.B.copy_(start.B);
                }
        }
        return trainable;
    }

    /// <summary>Every projection an adapter can sit on, by its Hugging Face module path ("model.layers.0.self_attn.q_proj"), with its adapter if attached.</summary>
    public IEnumerable<(string Path, Linear Projection, LoraAdapter? Adapter)> LoraSites()
    {
        int i = -1;
        foreach (var layer in model.Layers)
        {
            i++;
            foreach (var (name, projection) in layer.Attention.Projections())
                yield return ($"model.layers.{i}.self_attn.{name}", projection, layer.Attention.Adapters?.GetValueOrDefault(name));
            foreach (var (name, projection) in layer.Mlp.Projections())
                yield return ($"model.layers.{i}.mlp.{name}", projection, layer.Mlp.Adapters?.GetValueOrDefault(name));
        }
    }

    /// <summary>Folds every adapter into its projection, drops the adapters and unfreezes the model.</summary>
    public void MergeLora()
    {
        WeightsChanged();
        foreach (var layer in model.Layers)
        {
            Merge(layer.Attention.Projections(), layer.Attention.Adapters);
            Merge(layer.Mlp.Projections(), layer.Mlp.Adapters);
        }
        UnloadLora();
    }

    /// <summary>Drops every adapter without folding it in (PEFT's unload): the base model as it was, unfrozen.</summary>
    public void UnloadLora()
    {
        foreach (var layer in model.Layers)
        {
            foreach (var adapters in new[] { layer.Attention.Adapters, layer.Mlp.Adapters })
                foreach (var adapter in adapters?.Values ?? Enumerable.Empty<LoraAdapter>())
                    adapter.Dispose();
            layer.Attention.Adapters = null;
            layer.Mlp.Adapters = null;
        }
        foreach (var parameter in parameters())
            parameter.requires_grad = true;
    }

    /// <summary>
    /// Inside a bfloat16 scope, holds the frozen weight matrices only as their bfloat16 copies where
    /// those hold the same values (see <see cref="ModelCompute.HoldInBFloat16"/>); the bytes released.
    /// </summary>
    public long HoldFrozenInBFloat16() => Compute.HoldInBFloat16(lm_head?.weight is { } head ? model.Matrices().Append(head) : model.Matrices());

    /// <summary>The adapters of the targeted projections among <paramref name="projections"/>; null where none is targeted, so that block keeps its fused path.</summary>
    private Dictionary<string, LoraAdapter>? Adapters(IEnumerable<(string Name, Linear Projection)> projections, int rank, double alpha,
        IReadOnlyCollection<string> targets, List<Parameter> trainable)
    {
        var adapters = new Dictionary<string, LoraAdapter>();
        foreach (var (name, projection) in projections.Where(p => targets.Contains(p.Name)))
        {
            var adapter = new LoraAdapter(projection, rank, alpha);
            adapters[name] = adapter;
            trainable.Add(adapter.A);
            trainable.Add(adapter.B);
        }
        return adapters.Count > 0 ? adapters : null;
    }

    private static void Merge(IEnumerable<(string Name, Linear Projection)> projections, Dictionary<string, LoraAdapter>? adapters)
    {
        if (adapters is null)
            return;
        foreach (var (name, projection) in projections)
            if (adapters.TryGetValue(name, out var adapter))
                adapter.MergeInto(projection);
    }

    /// <summary>Logits for every position, [batch, length, vocab].</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return Head(model.Normalized(tokens)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Logits of the new positions on the decoding path (see <see cref="LlamaModel.NormalizedForward"/>),
    /// or of the last one only (<paramref name="lastOnly"/>: a prompt read to pick the first new
    /// token needs no logits for the rest, and the head over the vocabulary is the widest product).
    /// A step of a few sequences takes the few-rows kernel where the model has it.
    /// </summary>
    public Tensor Forward(Tensor tokens, Tensor positions, Tensor mask, IReadOnlyList<LayerCache> caches, bool lastOnly = false)
    {
        if (DecoderForStep(tokens, positions, mask, caches) is { } decoder)
        {
            try
            {
                return decoder.Step(tokens, positions, mask, caches);
            }
            finally
            {
                Monitor.Exit(decoder);
            }
        }
        using var scope = NewDisposeScope();
        var normalized = model.NormalizedForward(tokens, positions, mask, caches);
        if (lastOnly)
            normalized = normalized.narrow(1, normalized.shape[1] - 1, 1);
        return Head(normalized).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The few-rows decoder, held for this caller, when this step can take it: one new token each
    /// of a few sequences, outside training (no gradient, no adapters, float32 products), on caches
    /// it can extend, and no other thread decoding through it now.
    /// </summary>
    private FewRowsDecoder? DecoderForStep(Tensor tokens, Tensor positions, Tensor mask, IReadOnlyList<LayerCache> caches)
    {
        if (!Compute.Kernels.Contains(FusedKernel.Decoding) || tokens.numel() > FewRowsDecoder.MaxRows || tokens.device_type != DeviceType.CPU
            || Compute.InBFloat16 || is_grad_enabled() || model.Layers.Any(l => l.Adapted) || model.EmbeddingWeight.dtype != float32)
            return null;
        var decoder = _decoder;
        if (decoder is null)
        {
            lock (_decoderLock)
                decoder = _decoder ??= new FewRowsDecoder(Config, model.DecodingWeights(lm_head?.weight ?? model.EmbeddingWeight), get_num_threads());
        }
        if (!decoder.Fits(tokens, positions, mask, caches) || !Monitor.TryEnter(decoder))
            return null;
        return decoder;
    }

    private FewRowsDecoder? _decoder;
    private readonly Lock _decoderLock = new();

    /// <summary>Whether decoding steps of a few sequences read the weights' bfloat16 copies (see <see cref="FewRowsDecoder"/>).</summary>
    internal bool DecodesFromBFloat16 => _decoder?.ReadsBFloat16 == true;

    /// <summary>
    /// The weights were changed in place (trained, merged, or by the caller): the decoder's bfloat16
    /// copies of them, if it made any, are dropped, and the next decoding step looks at the weights again.
    /// </summary>
    public void WeightsChanged()
    {
        FewRowsDecoder? decoder;
        lock (_decoderLock)
            (decoder, _decoder) = (_decoder, null);
        if (decoder is null)
            return;
        lock (decoder) // a step running on it now ends first
            decoder.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _decoder?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Logits from normalised hidden states, through the head (or the tied embedding) with the final norm's scale.</summary>
    private Tensor Head(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var weight = lm_head is not null ? lm_head.weight! : model.EmbeddingWeight;
        return ScaledInput.Linear(Compute, normalized, weight, model.NormWeight).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean next-token cross-entropy over the positions whose label is not -100 (the prompt and
    /// padding are masked so only answer tokens teach).
    /// </summary>
    public Tensor Loss(Tensor tokens, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var hidden = model.Normalized(tokens);
        var shifted = hidden.narrow(1, 0, hidden.shape[1] - 1).reshape(-1, hidden.shape[2]);
        var targets = labels.narrow(1, 1, labels.shape[1] - 1).reshape(-1);
        // The head only where a label teaches: in fine-tuning most positions are prompt.
        var taught = targets.ne(HeldScalars.IgnoredLabel).nonzero().squeeze(1);
        if (taught.shape[0] > 0 && taught.shape[0] < targets.shape[0])
            (shifted, targets) = (shifted.index_select(0, taught), targets.index_select(0, taught));
        if (!Compute.Takes(shifted, FusedKernel.CrossEntropy))
            return nn.functional.cross_entropy(Head(shifted), targets, ignore_index: -100).MoveToOuterDisposeScope();
        var (input, weight) = ScaledInput.Operands(Compute, shifted, lm_head?.weight ?? model.EmbeddingWeight, model.NormWeight);
        return ChunkedCrossEntropy.Apply(input, weight, targets, Compute).MoveToOuterDisposeScope();
    }
}
