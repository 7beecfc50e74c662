using Lion.Core.Prompts;

namespace Lion.Core.Config;

/// <summary>
/// The student (<see cref="StudentKind"/>). An external one answers through <see cref="Endpoint"/>
/// and trains by running <see cref="TrainCommand"/> with {data}, {previous} and {output} filled in.
/// </summary>
public sealed record StudentSettings
{
    /// <summary>
    /// Null: not given, which means the simulated stand-in while every role is the offline oracle,
    /// and is refused otherwise: a paid teacher never trains the stand-in unless the config says so.
    /// </summary>
    public StudentKind? Kind { get; init; }

    /// <summary>The student that runs: the one named, else the simulated stand-in (offline runs only, as the config check ensures).</summary>
    public StudentKind Runs => Kind ?? StudentKind.Simulated;
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

    /// <summary>In-process training keeps one decoder layer's activations at a time, computing each again in backward.</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>The model the student is: the served model's name, the base checkpoint, a fresh model's size, or none for the stand-in.</summary>
    public string ModelName => Runs switch
    {
        StudentKind.External => Model,
        StudentKind.Torch => BaseCheckpoint ?? $"a fresh {Vocabulary<FreshSize>.Word(FreshSize)} model",
        _ => "none",
    };

    /// <summary>Which student runs, in words, as plan, status and the report name it.</summary>
    public string Describe() => Runs switch
    {
        StudentKind.Simulated => "simulated (the offline stand-in: it learns nothing and makes no model)",
        StudentKind.External => $"external: {Model} at {Endpoint ?? "the server lion starts"}, trained by student.train_command",
        _ => $"torch (in-process): {ModelName}",
    };
}
