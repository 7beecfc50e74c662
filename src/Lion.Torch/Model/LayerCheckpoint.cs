using Lion.Torch.Model.Fused;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Lion.Torch.Model;

/// <summary>
/// Gradient checkpointing for one decoder layer, as Hugging Face's gradient_checkpointing does:
/// the forward pass keeps only the layer's input, and the backward pass computes the layer again
/// from it, with gradients, to take the input's and the trained weights' gradients. A layer's
/// activations (its norms, projections, attention's probabilities, the MLP's wide rows) then live
/// for one layer at a time rather than for the whole pass, for one more forward pass of compute.
/// </summary>
internal sealed class LayerCheckpoint : SingleTensorFunction<LayerCheckpoint>
{
    public override string Name => nameof(LayerCheckpoint);

    /// <summary>The layer's output, its graph the layer's input and the weights it trains.</summary>
    public static Tensor Apply(LlamaDecoderLayer layer, Tensor hidden, HandedOverGradients handedOver)
    {
        // The weights that take a gradient are inputs of the node, or the engine would not ask it for theirs.
        var trained = layer.Trained().ToArray();
        return apply([hidden, new Recompute(layer, trained, handedOver), .. trained]);
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var hidden = (Tensor)vars[0];
        var recompute = (Recompute)vars[1];
        ctx.save_for_backward([hidden]);
        ctx.save_data(nameof(Recompute), recompute);
        // The engine has turned gradients off here: nothing inside the layer is kept for backward.
        return recompute.Layer.forward(hidden);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        var recompute = (Recompute)ctx.get_data(nameof(Recompute));
        using var scope = new BackwardScope(recompute.HandedOver, gradient);
        var input = ctx.get_saved_variables()[0].detach().requires_grad_(true);
        Tensor output;
        using (enable_grad())
            output = recompute.Layer.forward(input);
        var gradients = grad([output], [input, .. recompute.Trained], [gradient], allow_unused: true);
        return scope.Results([gradients[0], null, .. gradients.Skip(1)]);
    }

    /// <summary>What the backward pass needs to compute the layer again.</summary>
    private sealed record Recompute(LlamaDecoderLayer Layer, Parameter[] Trained, HandedOverGradients HandedOver);
}
