using Lion.Core.Prompts;

namespace Lion.Core.Config;

/// <summary>
/// The student (<see cref="StudentKind"/>). An external one answers through <see cref="Endpoint"/>
/// and trains by running <see cref="TrainCommand"/> with {data}, {previous} and {output} filled in.
/// </summary>
public sealed record StudentSettings
{
    public StudentKind Kind { get; init; } = StudentKind.Simulated;
    public string? Endpoint { get; init; }
    public string Model { get; init; } = "student";
    public string ApiKeyEnv { get; init; } = "STUDENT_API_KEY";
    public string? TrainCommand { get; init; }

    /// <summary>
    /// The command that serves a checkpoint, with {checkpoint} and {port} filled in (`vllm serve
    /// {checkpoint} --port {port}`): lion starts it when the student must answer and stops it
    /// before training. Null: the student answers at <see cref="Endpoint"/>, a server the user runs.
    /// </summary>
    public string? ServeCommand { get; init; }

    /// <summary>How a new checkpoint reaches the server: a restart on it, or a LoRA adapter loaded into the running server.</summary>
    public StudentReload Reload { get; init; } = StudentReload.Restart;

    /// <summary>How long a started server may take to answer GET /v1/models (loading weights, compiling kernels).</summary>
    public double ServeTimeoutSeconds { get; init; } = 600;
    public string? BaseCheckpoint { get; init; }

    /// <summary>Without a base checkpoint, the model made from scratch.</summary>
    public FreshSize FreshSize { get; init; } = FreshSize.Tiny;
    public double Temperature { get; init; } = 0.7;
    public int MaxTokens { get; init; } = 1024;

    /// <summary>How training data and in-process prompts are formatted.</summary>
    public PromptFormat PromptFormat { get; init; } = PromptFormat.Alpaca;

    /// <summary>In-process training: epochs per iteration, peak learning rate, batch size, longest sequence in tokens.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Epochs for the iterations after the first, when they should differ (a small student trained on few new items forgets).</summary>
    public int? LaterEpochs { get; init; }
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 16;
    public int MaxLength { get; init; } = 512;

    /// <summary>In-process training's matrix products; weights stay float32.</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Auto;
}
