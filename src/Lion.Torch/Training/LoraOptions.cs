namespace Lion.Torch.Training;

/// <summary>
/// Low-rank adaptation: each targeted projection W learns W + (α/r)·B·A with A of rank r, the
/// base weights frozen. When training ends the update is folded into W (a plain model), unless
/// <see cref="Merge"/> is off and the adapter is saved on its own (PEFT's layout). Targets name
/// projections as Hugging Face does (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj).
/// </summary>
public sealed record LoraOptions(int Rank = 8, double Alpha = 16)
{
    public IReadOnlyList<string> Targets { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>Fold the adapters into the weights when training ends; off, they stay attached to be saved.</summary>
    public bool Merge { get; init; } = true;

    /// <summary>Where training starts: an earlier adapter's A and B by module path (training it on), or null for a new one.</summary>
    public IReadOnlyDictionary<string, (TorchSharp.torch.Tensor A, TorchSharp.torch.Tensor B)>? Initial { get; init; }
}
