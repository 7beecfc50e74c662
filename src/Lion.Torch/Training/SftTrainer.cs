using System.Diagnostics;
using Lion.Core.Config;
using Lion.Torch.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Training;

/// <summary>
/// Supervised fine-tuning with the loss on answer tokens only: each example is
/// [BOS] prompt answer [EOS], the prompt's labels masked. Batches group examples of similar
/// length (less padding), in a seeded shuffled order; AdamW with linear warm-up then cosine
/// decay, gradient accumulation and clipping. Progress goes to <paramref name="report"/> as plain
/// lines with loss, tokens/s and ETA.
/// </summary>
public sealed class SftTrainer(TrainingOptions options, Action<string>? report = null)
{
    public TrainingReport Train(LlamaForCausalLM model, IReadOnlyList<(int[] Prompt, int[] Answer)> examples, CancellationToken cancellationToken = default)
    {
        var config = model.Config;
        var sequences = examples.Select(e => Sequence(e.Prompt, e.Answer, config, options.MaxLength)).Where(s => s.Tokens.Length > 1).ToList();
        if (sequences.Count == 0)
            return new TrainingReport(0, 0, double.NaN, double.NaN, 0, TrainingPrecision.Float32);

        var random = new Random(options.Seed);
        manual_seed(options.Seed);
        int batchesPerEpoch = (sequences.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = Math.Max(1, options.Epochs * batchesPerEpoch / options.AccumulationSteps);
        int warmup = (int)Math.Ceiling(totalSteps * options.WarmupFraction);
        model.WeightsChanged();
        var trainable = options.Lora is { } lora
            ? model.AttachLora(lora.Rank, lora.Alpha, [.. lora.Targets], lora.Initial)
            : model.parameters().ToList();
        using var optimizer = new AdamWOptimizer(trainable, options.LearningRate, options.WeightDecay, model.Compute.Kernels.Contains(Model.Fused.FusedKernel.AdamW));
        var precision = Precision(config);
        report?.Invoke($"  kernels: {model.Compute.Description}");
        if (options.GradientCheckpointing)
            report?.Invoke("  gradient checkpointing: each layer keeps only its input, computed again in the backward pass");
        try
        {
            // The scope ends before a merge, which needs the frozen weights in float32 again.
            using var cast = model.Compute.BFloat16(precision == TrainingPrecision.BFloat16);
            if (options.Lora is not null && model.HoldFrozenInBFloat16() is > 0 and var released)
                report?.Invoke($"  frozen weights held in bfloat16 only (the same values): {released / (1 << 20):N0} MB of float32 released while training");
            model.Compute.CheckpointsLayers = options.GradientCheckpointing;
            model.train();
            return Loop(model, sequences, random, optimizer, trainable, totalSteps, warmup, precision, cancellationToken);
        }
        finally
        {
            model.Compute.CheckpointsLayers = false;
            if (options.Lora is { Merge: true })
                model.MergeLora();
            model.eval();
        }
    }

    private TrainingReport Loop(LlamaForCausalLM model, List<(int[] Tokens, int PromptLength)> sequences, Random random,
        AdamWOptimizer optimizer, IReadOnlyList<TorchSharp.Modules.Parameter> trainable, int totalSteps, int warmup, TrainingPrecision precision,
        CancellationToken cancellationToken)
    {
        var config = model.Config;
        var clock = Stopwatch.StartNew();
        var state = options.StateFolder is { } folder && options.Lora is null
            ? TrainerState.Load(folder, model, optimizer) ?? TrainerState.Start
            : TrainerState.Start;
        if (state.Epoch > 1 || state.Batch > 0)
            report?.Invoke($"  resuming at epoch {state.Epoch}, batch {state.Batch + 1}, step {state.Step}");
        long tokensAtStart = state.Tokens;
        long learning = trainable.Sum(p => p.numel()), memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        int workers = options.Workers ?? ShardedBackward.WorkersFor(learning, memory);
        if (options.Workers is null && workers < ShardedBackward.DefaultWorkers)
            report?.Invoke($"  one pass a batch on every thread: {learning / 1e6:F0}M parameters learn, and with their moments and {ShardedBackward.DefaultWorkers} workers' gradients "
                           + $"they would take {ShardedBackward.SharedStepBytes(learning, ShardedBackward.DefaultWorkers) / 1e9:F1} GB of this machine's {memory / 1e9:F1} GB");
        using var passes = new ShardedBackward(workers, options.KeepFreedMemory);
        int startEpoch = state.Epoch;
        double last = double.NaN;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            // Batch order comes from the seeded random source: replay earlier epochs to continue it.
            var batches = Batches(sequences, random).ToList();
            if (epoch < state.Epoch)
                continue;
            for (int index = epoch == state.Epoch ? state.Batch : 0; index < batches.Count; index++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    SaveState(state, model, optimizer);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                using var scope = NewDisposeScope();
                var (input, labels, answerTokens) = Collate(batches[index], config);
                double loss = passes.Backward(model, trainable, input, labels, 1.0 / options.AccumulationSteps);
                state = state with
                {
                    Batch = index + 1, Micro = state.Micro + 1, Tokens = state.Tokens + answerTokens,
                    EpochLossSum = state.EpochLossSum + loss, EpochBatches = state.EpochBatches + 1,
                };
                if (state.Micro % options.AccumulationSteps == 0)
                {
                    optimizer.LearningRate = Schedule(state.Step, warmup, totalSteps);
                    nn.utils.clip_grad_norm_(trainable, options.MaxGradNorm);
                    optimizer.Step();
                    optimizer.ZeroGrad();
                    state = state with { Step = state.Step + 1 };
                    StepDone?.Invoke(state.Step);
                    if (options.SaveEverySteps > 0 && state.Step % options.SaveEverySteps == 0)
                        SaveState(state, model, optimizer);
                }
            }
            double mean = state.EpochLossSum / Math.Max(1, state.EpochBatches);
            last = mean;
            state = state with
            {
                Epoch = epoch + 1, Batch = 0, EpochLossSum = 0, EpochBatches = 0,
                FirstEpochLoss = epoch == 1 ? mean : state.FirstEpochLoss,
            };
            double rate = (state.Tokens - tokensAtStart) / clock.Elapsed.TotalSeconds;
            double eta = clock.Elapsed.TotalSeconds / (epoch - startEpoch + 1) * (options.Epochs - epoch);
            report?.Invoke($"  epoch {epoch}/{options.Epochs}: loss {mean:F4}, {rate:N0} answer tokens/s, ETA {eta:F0} s");
        }
        if (options.StateFolder is { } done && Directory.Exists(done))
            Directory.Delete(done, recursive: true);
        return new TrainingReport(state.Step, state.Tokens, state.FirstEpochLoss, last, (state.Tokens - tokensAtStart) / clock.Elapsed.TotalSeconds, precision);
    }

    /// <summary>The options' precision, <see cref="TrainingPrecision.Auto"/> decided by measuring (and said in the report).</summary>
    private TrainingPrecision Precision(LlamaConfig config)
    {
        if (options.Precision != TrainingPrecision.Auto)
            return options.Precision;
        double speedup = BFloat16Probe.Speedup(config);
        bool pays = speedup >= BFloat16Probe.Threshold;
        report?.Invoke($"  products in {(pays ? "bfloat16" : "float32")}: bfloat16 measured {speedup:F2}× float32 on this CPU");
        return pays ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32;
    }

    /// <summary>Called after every optimiser step with the step count (progress, tests).</summary>
    public Action<int>? StepDone { get; init; }

    private void SaveState(TrainerState state, LlamaForCausalLM model, AdamWOptimizer optimizer)
    {
        if (options.StateFolder is { } folder && options.Lora is null)
            state.Save(folder, model, optimizer);
    }

    /// <summary>Warm-up from 0 to the peak, then cosine decay to 0.</summary>
    private double Schedule(int step, int warmup, int total)
    {
        if (step < warmup)
            return options.LearningRate * (step + 1) / warmup;
        double progress = (step - warmup) / (double)Math.Max(1, total - warmup);
        return options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }

    internal static (int[] Tokens, int PromptLength) Sequence(int[] prompt, int[] answer, LlamaConfig config, int maxLength)
    {
        var tokens = new List<int>(prompt.Length + answer.Length + 2) { config.BosTokenId };
        tokens.AddRange(prompt);
        int promptLength = tokens.Count;
        tokens.AddRange(answer);
        tokens.Add(config.EosTokenId);
        // Keep the end: the answer is what teaches.
        if (tokens.Count > maxLength)
        {
            int cut = tokens.Count - maxLength;
            tokens.RemoveRange(0, cut);
            promptLength = Math.Max(0, promptLength - cut);
        }
        return (tokens.ToArray(), promptLength);
    }

    /// <summary>Examples sorted by length and cut into batches; the batch order is shuffled each epoch.</summary>
    private IEnumerable<List<(int[] Tokens, int PromptLength)>> Batches(List<(int[] Tokens, int PromptLength)> sequences, Random random)
    {
        var sorted = sequences.OrderBy(s => s.Tokens.Length).ThenBy(_ => random.Next()).ToList();
        var batches = sorted.Chunk(options.BatchSize).Select(c => c.ToList()).ToList();
        return batches.OrderBy(_ => random.Next());
    }

    private static (Tensor Input, Tensor Labels, long AnswerTokens) Collate(List<(int[] Tokens, int PromptLength)> batch, LlamaConfig config)
    {
        int length = batch.Max(s => s.Tokens.Length);
        int pad = config.PadTokenId ?? config.EosTokenId;
        var input = new long[batch.Count, length];
        var labels = new long[batch.Count, length];
        long answerTokens = 0;
        for (int row = 0; row < batch.Count; row++)
        {
            var (tokens, promptLength) = batch[row];
            for (int i = 0; i < length; i++)
            {
                input[row, i] = i < tokens.Length ? tokens[i] : pad;
                bool answer = i >= promptLength && i < tokens.Length;
                labels[row, i] = answer ? tokens[i] : -100;
                if (answer) answerTokens++;
            }
        }
        return (tensor(input), tensor(labels), answerTokens);
    }
}
