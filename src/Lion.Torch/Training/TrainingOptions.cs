using Lion.Core.Config;

namespace Lion.Torch.Training;

/// <summary>
/// Supervised fine-tuning settings. Defaults suit a tiny model on a CPU; the paper's 7B run used
/// lr 2e-5, 3 epochs, 3 % warm-up, cosine decay, weight decay 0.
/// </summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 3;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; }
    public double WarmupFraction { get; init; } = 0.03;
    public int BatchSize { get; init; } = 16;
    public int AccumulationSteps { get; init; } = 1;
    public double MaxGradNorm { get; init; } = 1.0;
    public int MaxLength { get; init; } = 512;
    public int Seed { get; init; } = 2305;

    /// <summary>
    /// How many single-threaded shares each batch is cut into (see <see cref="ShardedBackward"/>);
    /// null chooses by what learns (<see cref="ShardedBackward.WorkersFor"/>), 1 runs each batch as one multi-threaded pass.
    /// </summary>
    public int? Workers { get; init; }

    /// <summary>Whether the process's allocator keeps freed memory for the next step rather than handing it back (<see cref="GlibcHeap"/>).</summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>The type of the matrix products: bfloat16 with float32 weights where it pays on this CPU, unless set.</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Auto;

    /// <summary>
    /// Keep only each decoder layer's input through the forward pass and compute the layer again in
    /// backward (Hugging Face's gradient_checkpointing): the activations of one layer at a time are
    /// held instead of all of them, for a third (a full fine-tune) to a half (LoRA) more time a step.
    /// </summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>Train low-rank adapters instead of every weight; merged into the weights when training ends.</summary>
    public LoraOptions? Lora { get; init; }

    /// <summary>
    /// Where the trainer keeps its state (weights, optimiser moments, position in the epoch) so an
    /// interrupted run resumes mid-epoch; null keeps none. Saved every <see cref="SaveEverySteps"/>
    /// optimiser steps and when cancelled.
    /// </summary>
    public string? StateFolder { get; init; }

    public int SaveEverySteps { get; init; } = 50;
}
