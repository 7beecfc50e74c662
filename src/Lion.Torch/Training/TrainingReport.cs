using Lion.Core.Config;

namespace Lion.Torch.Training;

/// <summary>
/// What a training run did: optimiser steps, answer tokens seen, the mean loss of the first and
/// last epoch, speed, and the precision its products ran in (never <see cref="TrainingPrecision.Auto"/>).
/// </summary>
public sealed record TrainingReport(int Steps, long Tokens, double FirstEpochLoss, double LastEpochLoss, double TokensPerSecond, TrainingPrecision Precision);
