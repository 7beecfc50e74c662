using Lion.Torch.Model.Fused;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Lion.Torch.Model;

/// <summary>
/// The tokens' rows of a tied embedding, whose gradient holds only the rows the batch looked up
/// (a sparse gradient, as PyTorch's <c>Embedding(sparse=True)</c> gives) where they are fewer than
/// the vocabulary's. libtorch's lookup returns a dense [vocabulary × hidden] gradient, zeros but
/// for those rows, at the end of the backward pass, beside the head's own gradient of the same
/// matrix; over 49K–152K classes that is the moment a full fine-tune holds the most (see
/// docs/student.md). The head's dense gradient always reaches the weight first, so the two
/// sum to a dense gradient, and the optimizer never meets a sparse one.
/// </summary>
internal sealed class TiedEmbeddingLookup : SingleTensorFunction<TiedEmbeddingLookup>
{
    public override string Name => nameof(TiedEmbeddingLookup);

    /// <param name="weight">The embedding, [vocabulary, hidden], tied to the head.</param>
    /// <param name="tokens">Token ids of any shape; the result has one more axis, the hidden.</param>
    /// <param name="handedOver">The model's, where the backward's gradient is handed over.</param>
    public static Tensor Apply(Tensor weight, Tensor tokens, HandedOverGradients handedOver) => apply(weight, tokens, handedOver);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (weight, tokens) = ((Tensor)vars[0], (Tensor)vars[1]);
        var ids = tokens.flatten().to(ScalarType.Int64);
        ctx.save_for_backward([ids]);
        ctx.save_data("Shape", weight.shape);
        ctx.save_data(nameof(HandedOverGradients), vars[2]);
        return weight.index_select(0, ids).view([.. tokens.shape, weight.shape[1]]);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        using var scope = new BackwardScope((HandedOverGradients)ctx.get_data(nameof(HandedOverGradients)), gradient);
        var ids = ctx.get_saved_variables()[0];
        var shape = (long[])ctx.get_data("Shape");
        var rows = gradient.reshape(ids.shape[0], shape[1]).contiguous();
        var weightGradient = ids.shape[0] < shape[0]
            ? sparse_coo_tensor(ids.unsqueeze(0), rows, shape)
            : zeros(shape, dtype: rows.dtype).index_add_(0, ids, rows, HeldScalars.One);
        return scope.Results(weightGradient, null, null);
    }
}
