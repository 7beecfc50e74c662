using Lion.Torch.Model.Fused;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>The SwiGLU feed-forward block: down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Hugging Face parameter names
    private readonly Linear gate_proj, up_proj, down_proj;
#pragma warning restore IDE1006

    /// <summary>LoRA updates by projection name, while adapters are attached (not part of the module tree).</summary>
    internal Dictionary<string, LoraAdapter>? Adapters { get; set; }

    internal IEnumerable<(string Name, Linear Projection)> Projections() =>
        [("gate_proj", gate_proj), ("up_proj", up_proj), ("down_proj", down_proj)];

    private readonly ModelCompute _compute;

    private Tensor Project(Linear projection, string name, Tensor x) => LoraAdapter.Project(_compute, projection, name, x, Adapters);

    public LlamaMlp(LlamaConfig config, ModelCompute compute) : base(nameof(LlamaMlp))
    {
        _compute = compute;
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, inputScale: null);

    /// <summary>The block on <paramref name="x"/> scaled per feature by <paramref name="inputScale"/> (a norm's weight), when given.</summary>
    internal Tensor Forward(Tensor x, Tensor? inputScale)
    {
        using var scope = NewDisposeScope();
        Tensor inner;
        if (Adapters is null && !ModelCompute.FewRows(x))
        {
            // Gate and up in one product (see LlamaAttention): the weights stay two parameters.
            var product = ScaledInput.Product(_compute, x, _compute.Joined(gate_proj.weight!, up_proj.weight!), inputScale);
            if (_compute.TakesWithBFloat16(product, FusedKernel.SwiGlu))
                inner = FusedSwiGlu.Apply(product, _compute.HandedOver);
            else
            {
                var both = product.to(float32).chunk(2, -1);
                inner = nn.functional.silu(both[0]) * both[1];
            }
        }
        else
        {
            if (inputScale is not null)
                x = x * inputScale;
            inner = nn.functional.silu(Project(gate_proj, "gate_proj", x)) * Project(up_proj, "up_proj", x);
        }
        return Project(down_proj, "down_proj", inner).MoveToOuterDisposeScope();
    }
}
