namespace Lion.Torch.Training;

/// <summary>The type a training pass's matrix products compute in; weights, updates and everything else stay float32.</summary>
public enum TrainingPrecision
{
    /// <summary>bfloat16 products where they measure faster on this CPU for the model's shape (<see cref="BFloat16Probe"/>), float32 otherwise.</summary>
    Auto,
    Float32,

    /// <summary>Mixed precision: bfloat16 products, float32 weights (see <see cref="Model.Autocast"/>).</summary>
    BFloat16,
}

/// <summary>The names a command line or run config gives a <see cref="TrainingPrecision"/>.</summary>
public static class TrainingPrecisions
{
    public static readonly IReadOnlyList<string> Names = ["auto", "float32", "bfloat16"];

    public static TrainingPrecision Parse(string name) => name switch
    {
        "auto" => TrainingPrecision.Auto,
        "float32" => TrainingPrecision.Float32,
        "bfloat16" => TrainingPrecision.BFloat16,
        _ => throw new ArgumentException($"precision '{name}': one of {string.Join(", ", Names)}", nameof(name)),
    };

    public static string Name(TrainingPrecision precision) => Names[(int)precision];
}
