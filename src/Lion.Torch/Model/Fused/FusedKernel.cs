using System.Text.Json.Serialization;

namespace Lion.Torch.Model.Fused;

/// <summary>The hand-written kernels, each of which can be turned on or off alone (<c>LION_FUSED_KERNELS=rms_norm,adamw</c>).</summary>
public enum FusedKernel
{
    RmsNorm,

    [JsonStringEnumMemberName("swiglu")]
    SwiGlu,

    /// <summary>The rotary heads and causal attention, which stand in for one chain together.</summary>
    Attention,

    [JsonStringEnumMemberName("adamw")]
    AdamW,

    /// <summary>The head's product and the cross-entropy in chunks of positions, with their gradients (<see cref="ChunkedCrossEntropy"/>).</summary>
    CrossEntropy,

    /// <summary>A decoding step of a few sequences as one pass over the weights on every core (<see cref="FewRowsDecoder"/>).</summary>
    Decoding,
}
