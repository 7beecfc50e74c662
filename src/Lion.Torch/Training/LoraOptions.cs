namespace Lion.Torch.Training;

/// <summary>
/// Low-rank adaptation: each targeted projection W learns W + (α/r)·B·A with A of rank r, the
/// base weights frozen; on save the update is folded into W, so the checkpoint is a plain model.
/// Targets name projections as Hugging Face does (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj).
/// </summary>
public sealed record LoraOptions(int Rank = 8, double Alpha = 16)
{
    public IReadOnlyList<string> Targets { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj"];
}
