using System.Text.Json.Serialization;

namespace Lion.Core.Config;

/// <summary>The type an in-process training pass's matrix products compute in; weights, updates and everything else stay float32.</summary>
public enum TrainingPrecision
{
    /// <summary>bfloat16 products where they measure faster on this CPU for the model's shape, float32 otherwise.</summary>
    Auto,
    Float32,

    /// <summary>Mixed precision: bfloat16 products, float32 weights.</summary>
    [JsonStringEnumMemberName("bfloat16")]
    BFloat16,
}
