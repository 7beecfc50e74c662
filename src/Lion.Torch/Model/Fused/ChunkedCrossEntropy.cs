using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch.autograd;
using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The head's product and the mean cross-entropy over the positions that teach, a chunk of
/// positions at a time, with both gradients taken in the same pass (as Liger's fused linear
/// cross-entropy takes them): the logits over a vocabulary of 49K–152K classes are never held for
/// every position at once, nor their log-probabilities and gradient beside them. libtorch's chain
/// (product, log-softmax, the loss) held three such tensors at the moment a training step holds the
/// most, the end of its forward pass; here one chunk's logits at a time, turned in place, row by
/// row, into the gradient of the mean loss (softmax less the target's one, over the count). Its
/// products compute as the model's do (<see cref="ModelCompute.BFloat16"/>): in bfloat16 inside
/// that scope, the weight's gradient then summed in float32 a chunk at a time.
/// </summary>
internal sealed unsafe class ChunkedCrossEntropy : SingleTensorFunction<ChunkedCrossEntropy>
{
    /// <summary>
    /// The most logits one chunk holds (64 MB of float32). Each chunk reads the whole weight twice
    /// and adds to its whole gradient once, so chunks much smaller than this lose to libtorch's
    /// chain (docs/student.md).
    /// </summary>
    public const long LogitsAtOnce = 1 << 24;

    public override string Name => nameof(ChunkedCrossEntropy);

    /// <param name="x">The head's input, [positions, hidden], float32.</param>
    /// <param name="weight">The head's weight (the embedding's where tied), [vocabulary, hidden].</param>
    /// <param name="targets">The class of each position, [positions]; -100 teaches nothing.</param>
    /// <param name="compute">The model's: its products in bfloat16 or not, and where the backward's gradients are handed over.</param>
    /// <param name="logitsAtOnce">The most logits a chunk holds (<see cref="LogitsAtOnce"/>).</param>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor targets, ModelCompute compute, long logitsAtOnce = LogitsAtOnce) =>
        // Without gradients (an evaluation's loss) a weight that learns still takes none.
        apply(x, weight, targets, compute, logitsAtOnce, is_grad_enabled());

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, weight, targets) = (((Tensor)vars[0]).contiguous(), (Tensor)vars[1], ((Tensor)vars[2]).to(ScalarType.Int64).contiguous());
        var compute = (ModelCompute)vars[3];
        long logitsAtOnce = (long)vars[4];
        bool learns = (bool)vars[5];
        bool inputGradient = learns && ((Tensor)vars[0]).requires_grad, weightGradient = learns && weight.requires_grad;
        long positions = x.shape[0], classes = weight.shape[0];
        if (targets.numel() != positions)
            throw new ArgumentException($"{targets.numel()} targets for {positions} positions");
        long* target = FloatMemory.Int64sOf(targets);
        long taught = 0;
        for (long i = 0; i < positions; i++)
        {
            if (target[i] == Ignored)
                continue;
            if (target[i] < 0 || target[i] >= classes)
                throw new ArgumentException($"target {target[i]} at position {i} is not a class of {classes}");
            taught++;
        }
        // The mean over no positions is NaN, as libtorch's cross-entropy has it.
        float share = 1f / taught;
        var dx = inputGradient ? empty_like(x) : null;
        var dw = weightGradient ? zeros(classes, weight.shape[1], dtype: float32) : null;
        double total = 0;
        using (no_grad())
        using (NewDisposeScope())
        {
            bool narrow = compute.InBFloat16;
            var w = compute.InComputeType(weight);
            // Chunks of equal size, as few as fit: a short last chunk's products run below their peak.
            long chunks = (positions * classes + logitsAtOnce - 1) / logitsAtOnce;
            long rowsAtOnce = Math.Max(1, (positions + chunks - 1) / Math.Max(1, chunks)), classesAtOnce = Math.Max(1, logitsAtOnce / weight.shape[1]);
            for (long start = 0; start < positions; start += rowsAtOnce)
            {
                using var chunk = NewDisposeScope();
                long rows = Math.Min(rowsAtOnce, positions - start);
                var input = x.narrow(0, start, rows);
                var operand = narrow ? input.to(bfloat16) : input;
                var logits = mm(operand, w.t());
                if (narrow)
                    logits = logits.to(float32);
                total += LossAndGradient(logits, target + start, share);
                var gradient = narrow ? logits.to(bfloat16) : logits;
                dx?.narrow(0, start, rows).copy_(mm(gradient, w));
                if (dw is null)
                    continue;
                if (!narrow)
                    dw.addmm_(gradient.t(), input);
                else
                    // A bfloat16 product for one slice of the vocabulary at a time, summed in float32:
                    // the whole weight's in bfloat16 would be half the weight's size again.
                    for (long first = 0; first < classes; first += classesAtOnce)
                    {
                        long count = Math.Min(classesAtOnce, classes - first);
                        using var slice = NewDisposeScope();
                        dw.narrow(0, first, count).add_(mm(gradient.narrow(1, first, count).t(), operand));
                    }
            }
        }
        ctx.save_for_backward([.. new[] { dx, dw }.OfType<Tensor>()]);
        ctx.save_data("Gradients", (inputGradient, weightGradient));
        ctx.save_data(nameof(HandedOverGradients), compute.HandedOver);
        return tensor((float)(total * share));
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        using var scope = new BackwardScope((HandedOverGradients)ctx.get_data(nameof(HandedOverGradients)), gradient);
        var (inputGradient, weightGradient) = ((bool, bool))ctx.get_data("Gradients");
        var saved = ctx.get_saved_variables();
        // The gradients were taken for a loss of weight one; a weighted share of a batch scales them, in place.
        float upstream = gradient.item<float>();
        if (upstream != 1f)
            foreach (var taken in saved)
                taken.mul_(upstream);
        var dx = inputGradient ? saved[0] : null;
        var dw = weightGradient ? saved[^1] : null;
        return scope.Results(dx, dw, null, null, null, null);
    }

    private const long Ignored = -100;

    /// <summary>
    /// Turns each row of <paramref name="logits"/> into the gradient of the mean loss at it,
    /// (softmax − one at the target) · <paramref name="share"/>, or zeros where nothing is taught;
    /// returns the rows' summed loss, log Σ exp − the target's logit.
    /// </summary>
    private static double LossAndGradient(Tensor logits, long* target, float share)
    {
        long rows = logits.shape[0];
        int classes = (int)logits.shape[1];
        float* first = FloatMemory.Of(logits);
        var losses = new double[rows];
        FusedKernels.ForRows(rows, 3L * classes, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
        {
            for (long row = start; row < end; row++)
            {
                float* l = first + row * classes;
                if (target[row] == Ignored)
                {
                    new Span<float>(l, classes).Clear();
                    continue;
                }
                float max = Max(l, classes), picked = l[target[row]];
                float sum = ExpShifted(l, classes, max);
                losses[row] = max + Math.Log(sum) - picked;
                FusedRmsNorm.Scale(l, share / sum, l, classes);
                l[target[row]] -= share;
            }
        });
        return losses.Sum();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Max(float* l, int n)
    {
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var m = new Vector<float>(float.NegativeInfinity);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                m = Vector.Max(m, Vector.Load(l + i));
            for (int k = 0; k < Vector<float>.Count; k++)
                max = MathF.Max(max, m[k]);
        }
        for (; i < n; i++)
            max = MathF.Max(max, l[i]);
        return max;
    }

    /// <summary>l = exp(l − max) in place; returns their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ExpShifted(float* l, int n, float max)
    {
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var e = Math512.Exp(Vector512.Load(l + i) - Vector512.Create(max));
                e.Store(l + i);
                s += e;
            }
            sum = Vector512.Sum(s);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var s = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var e = MathVector.Exp(Vector.Load(l + i) - new Vector<float>(max));
                e.Store(l + i);
                s += e;
            }
            sum = Vector.Sum(s);
        }
        for (; i < n; i++)
        {
            l[i] = MathF.Exp(l[i] - max);
            sum += l[i];
        }
        return sum;
    }
}
