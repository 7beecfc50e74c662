using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedRotaryHeadsTests
{
    /// <summary>[batch, heads, length, dim] as grouped queries: [batch, kv heads, length · group, dim], row t·group + g for head kv·group + g.</summary>
    internal static Tensor Grouped(Tensor heads, int kvHeads)
    {
        long batch = heads.shape[0], group = heads.shape[1] / kvHeads, length = heads.shape[2], dim = heads.shape[3];
        return heads.reshape(batch, kvHeads, group, length, dim).transpose(2, 3).reshape(batch, kvHeads, length * group, dim);
    }

    [Theory]
    [InlineData(6, 2, 20)] // groups of three, a half head of ten: a tail past the last whole vector
    [InlineData(4, 4, 32)] // no grouping
    [InlineData(8, 1, 16)] // one key head for all
    public void Gives_the_rotated_heads_of_libtorchs_path_grouped_and_their_gradient(int heads, int kvHeads, int dim)
    {
        const int batch = 2, length = 7;
        var (cos, sin) = RotaryEmbedding.Table(length, dim, theta: 10_000);
        manual_seed(3);
        GradientCheck.Same(
            qkv =>
            {
                var (q, k, v) = FusedRotaryHeads.Apply(qkv, cos, sin, heads, kvHeads, new HandedOverGradients());
                return [q, k, v];
            },
            qkv =>
            {
                var parts = qkv.split([heads * dim, kvHeads * dim, kvHeads * dim], -1);
                Tensor Heads(Tensor part, int count) => part.reshape(batch, length, count, dim).transpose(1, 2);
                return
                [
                    Grouped(RotaryEmbedding.Apply(Heads(parts[0], heads), cos, sin), kvHeads),
                    RotaryEmbedding.Apply(Heads(parts[1], kvHeads), cos, sin),
                    Heads(parts[2], kvHeads),
                ];
            },
            randn(batch, length, (heads + 2 * kvHeads) * dim));
    }

    [Fact]
    public void A_bfloat16_product_gives_the_float32_kernels_heads_and_gradient_rounded_to_bfloat16()
    {
        const int heads = 6, kvHeads = 2, dim = 20;
        var (cos, sin) = RotaryEmbedding.Table(9, dim, theta: 10_000);
        manual_seed(4);
        var product = randn(2, 9, (heads + 2 * kvHeads) * dim).to(bfloat16);
        // Attention hands back bfloat16 gradients for bfloat16 heads: the same values in float32 for the float32 kernel.
        Tensor[] upstream = [randn(2, kvHeads, 9 * heads / kvHeads, dim).to(bfloat16), randn(2, kvHeads, 9, dim).to(bfloat16), randn(2, kvHeads, 9, dim).to(bfloat16)];
        var wide = product.to(float32).requires_grad_(true);
        var (wq, wk, wv) = FusedRotaryHeads.Apply(wide, cos, sin, heads, kvHeads, new HandedOverGradients());
        var wideGradient = autograd.grad([wq, wk, wv], [wide], [.. upstream.Select(u => u.to(float32))])[0];

        var narrow = product.clone().requires_grad_(true);
        var (q, k, v) = FusedRotaryHeads.Apply(narrow, cos, sin, heads, kvHeads, new HandedOverGradients());
        var gradient = autograd.grad([q, k, v], [narrow], upstream)[0];

        foreach (var (ours, theirs) in new[] { (q, wq), (k, wk), (v, wv) })
        {
            Assert.Equal(ScalarType.BFloat16, ours.dtype);
            Assert.Equal(BFloat16Rows.Bits(theirs.to(bfloat16)), BFloat16Rows.Bits(ours));
        }
        Assert.Equal(ScalarType.BFloat16, gradient.dtype);
        Assert.Equal(BFloat16Rows.Bits(wideGradient.to(bfloat16)), BFloat16Rows.Bits(gradient));
    }
}
