using Lion.Torch.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Training;

/// <summary>
/// The forward and backward pass of one batch as data parallelism across the CPU's cores: each
/// worker takes a contiguous share of the batch's rows and runs it single-threaded. A student of a
/// few million parameters is made of small operations, and libtorch splits each of them across
/// all cores and waits for the slowest at a barrier; shares that never wait for each other are
/// faster (see docs/student.md). Each share's loss is weighted by its share of
/// the batch's answer tokens, and the shares' gradients are summed in worker order, so the result
/// is the whole batch's mean-loss gradient, the same bits every run. The workers compute their
/// products as the model's owner chose (<see cref="ModelCompute.BFloat16"/>).
/// </summary>
public sealed class ShardedBackward : IDisposable
{
    private readonly TorchWorkers? _workers;

    /// <param name="workers">How many shares a batch is cut into; 1 runs the pass on the calling thread as it is.</param>
    /// <param name="keepFreedMemory">Whether the process's allocator keeps freed memory for the next step (<see cref="GlibcHeap"/>).</param>
    public ShardedBackward(int workers, bool keepFreedMemory = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (keepFreedMemory)
            GlibcHeap.KeepFreedMemory();
        _workers = workers > 1 ? new TorchWorkers(workers) : null;
    }

    /// <summary>One share per thread libtorch would use on the calling thread.</summary>
    public static int DefaultWorkers => get_num_threads();

    /// <summary>
    /// What a step holds for good with shares, a byte count: each parameter that learns, its AdamW
    /// moments, and a whole set of gradients for every worker (each returns its own before they are summed).
    /// </summary>
    public static long SharedStepBytes(long trainableParameters, int workers) => trainableParameters * sizeof(float) * (3L + workers);

    /// <summary>
    /// How many shares suit a pass that trains <paramref name="trainableParameters"/> on a machine
    /// of <paramref name="memoryBytes"/>: one per thread, unless the weights, their moments and the
    /// workers' gradients alone would take more than half the memory; then one multi-threaded pass,
    /// which holds one set of gradients. Shares measured faster, but hold a copy of every learning
    /// weight per further worker (see docs/student.md).
    /// </summary>
    public static int WorkersFor(long trainableParameters, long memoryBytes) =>
        SharedStepBytes(trainableParameters, DefaultWorkers) <= memoryBytes / 2 ? DefaultWorkers : 1;

    public int Workers => _workers?.Count ?? 1;

    /// <summary>
    /// Adds the gradient of <paramref name="scale"/> × the batch's mean answer-token loss to each
    /// trainable parameter's gradient, and returns that mean loss.
    /// </summary>
    public double Backward(LlamaForCausalLM model, IReadOnlyList<Parameter> trainable, Tensor input, Tensor labels, double scale)
    {
        using Scalar held = scale; // held through the products (see HeldScalars)
        if (_workers is null || input.shape[0] < 2)
        {
            using var scope = NewDisposeScope();
            var loss = model.Loss(input, labels);
            loss.mul(held).backward();
            model.Compute.HandedOver.Release();
            return loss.item<float>();
        }
        var shares = Shares(labels);
        long answers = shares.Sum(s => s.Answers);
        var losses = new double[shares.Count];
        var gradients = new Tensor?[shares.Count][];
        try
        {
            _workers.Run(i =>
            {
                if (i >= shares.Count)
                    return;
                using var scope = NewDisposeScope();
                var (start, rows, shareAnswers) = shares[i];
                var loss = model.Loss(input.narrow(0, start, rows), labels.narrow(0, start, rows));
                using Scalar weight = scale * shareAnswers / answers;
                var grads = autograd.grad([loss.mul(weight)], [.. trainable], allow_unused: true);
                gradients[i] = grads.Select(g => g?.DetachFromDisposeScope()).ToArray();
                losses[i] = loss.item<float>() * shareAnswers / answers;
            });
            Accumulate(trainable, gradients);
        }
        finally
        {
            foreach (var share in gradients)
                foreach (var gradient in share ?? [])
                    gradient?.Dispose();
            model.Compute.HandedOver.Release();
        }
        return losses.Sum();
    }

    /// <summary>Contiguous row ranges, one a worker, each with the answer tokens its loss is the mean over.</summary>
    private List<(long Start, long Rows, long Answers)> Shares(Tensor labels)
    {
        using var scope = NewDisposeScope();
        long batch = labels.shape[0];
        int count = (int)Math.Min(Workers, batch);
        // The loss predicts token t+1 from position t: the first label of a row never counts.
        var perRow = labels.narrow(1, 1, labels.shape[1] - 1).ne(HeldScalars.IgnoredLabel).sum([1]).data<long>().ToArray();
        var shares = new List<(long, long, long)>();
        for (int i = 0; i < count; i++)
        {
            long start = batch * i / count, end = batch * (i + 1) / count;
            long answers = perRow[(int)start..(int)end].Sum();
            // A share with nothing to learn has no mean loss to take.
            if (answers > 0)
                shares.Add((start, end - start, answers));
        }
        return shares;
    }

    private static void Accumulate(IReadOnlyList<Parameter> trainable, Tensor?[][] gradients)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int p = 0; p < trainable.Count; p++)
        {
            Tensor? sum = null;
            foreach (var share in gradients)
            {
                if (share?[p] is not { } gradient)
                    continue;
                if (sum is null)
                    (sum, share[p]) = (gradient, null); // taken over: the caller no longer disposes it
                else
                    sum.add_(gradient, HeldScalars.One);
            }
            if (sum is null)
                continue;
            if (trainable[p].grad is { } existing)
                existing.add_(sum, HeldScalars.One);
            else
                trainable[p].grad = sum;
            sum.Dispose();
        }
    }

    public void Dispose() => _workers?.Dispose();
}
