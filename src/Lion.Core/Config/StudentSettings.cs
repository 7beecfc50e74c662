namespace Lion.Core.Config;

/// <summary>
/// The student: "simulated" (the oracle's imperfect student, for smoke runs and tests),
/// "external" (answers through an OpenAI-compatible endpoint, trains by running
/// <see cref="TrainCommand"/> with {data}, {previous} and {output} filled in), or "torch" (the
/// in-process TorchSharp student, once built).
/// </summary>
public sealed record StudentSettings
{
    public string Kind { get; init; } = "simulated";
    public string? Endpoint { get; init; }
    public string Model { get; init; } = "student";
    public string ApiKeyEnv { get; init; } = "STUDENT_API_KEY";
    public string? TrainCommand { get; init; }
    public string? BaseCheckpoint { get; init; }

    /// <summary>Without a base checkpoint, the model made from scratch: "tiny" (2 layers of 128, for tests) or "small" (4 layers of 256, about 3 M parameters).</summary>
    public string FreshSize { get; init; } = "tiny";
    public double Temperature { get; init; } = 0.7;
    public int MaxTokens { get; init; } = 1024;

    /// <summary>"alpaca" (default), "chatml" or "plain": how training data and in-process prompts are formatted.</summary>
    public string PromptFormat { get; init; } = "alpaca";

    /// <summary>In-process training: epochs per iteration, peak learning rate, batch size, longest sequence in tokens.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Epochs for the iterations after the first, when they should differ (a small student trained on few new items forgets).</summary>
    public int? LaterEpochs { get; init; }
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 16;
    public int MaxLength { get; init; } = 512;

    /// <summary>In-process training's matrix products: "auto" (bfloat16 where it measures faster on this CPU), "float32" or "bfloat16"; weights stay float32.</summary>
    public string Precision { get; init; } = "auto";
}
