using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedRotaryHeadsTests
{
    [Theory]
    [InlineData(6, 2, 20)] // groups of three, a half head of ten: a tail past the last whole vector
    [InlineData(4, 4, 32)] // no grouping
    [InlineData(8, 1, 16)] // one key head for all
    public void Gives_the_rotated_heads_of_libtorchs_path_and_their_gradient(int heads, int kvHeads, int dim)
    {
        const int batch = 2, length = 7;
        var (cos, sin) = RotaryEmbedding.Table(length, dim, theta: 10_000);
        manual_seed(3);
        GradientCheck.Same(
            qkv =>
            {
                var (q, k, v) = FusedRotaryHeads.Apply(qkv, cos, sin, heads, kvHeads);
                return [q, k, v];
            },
            qkv =>
            {
                var parts = qkv.split([heads * dim, kvHeads * dim, kvHeads * dim], -1);
                Tensor Heads(Tensor part, int count) => part.reshape(batch, length, count, dim).transpose(1, 2);
                return
                [
                    RotaryEmbedding.Apply(Heads(parts[0], heads), cos, sin),
                    RotaryEmbedding.Apply(Heads(parts[1], kvHeads), cos, sin).repeat_interleave(heads / kvHeads, dim: 1),
                    Heads(parts[2], kvHeads).repeat_interleave(heads / kvHeads, dim: 1),
                ];
            },
            randn(batch, length, (heads + 2 * kvHeads) * dim));
    }
}
