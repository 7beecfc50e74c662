using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedCausalAttentionTests
{
    private static readonly ModelCompute Compute = ModelCompute.WithoutKernels();

    private static Tensor Reference(Tensor q, Tensor k, Tensor v) => nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);

    /// <summary>Queries, keys and values side by side in one tensor, so one gradient check covers all three.</summary>
    private static Tensor[] Split(Tensor qkv, Func<Tensor, Tensor, Tensor, Tensor> attention)
    {
        var parts = qkv.chunk(3, 1);
        return [attention(parts[0], parts[1], parts[2])];
    }

    [Theory]
    [InlineData(150, 32, 3, true)] // three blocks, the last one short; rows past the last whole vector
    [InlineData(150, 32, 3, false)]
    [InlineData(64, 16, 9, true)] // exactly one block; 18 pairs: two whole chunks and a short one
    [InlineData(64, 16, 9, false)]
    [InlineData(5, 8, 2, true)] // shorter than a vector
    [InlineData(5, 8, 2, false)]
    public void Gives_libtorchs_causal_attention_and_its_gradients(int length, int dim, int heads, bool keepsProbabilities)
    {
        manual_seed(4);
        long keptAtMost = keepsProbabilities ? FusedCausalAttention.KeptProbabilitiesAtMost : 0;
        GradientCheck.Same(qkv => Split(qkv, (q, k, v) => FusedCausalAttention.Apply(q, k, v, Compute, keptAtMost)), qkv => Split(qkv, Reference),
            randn(2, 3 * heads, length, dim), rtol: 1e-4, atol: 1e-5);
    }

    [Theory]
    [InlineData(3, 2, 70, true)] // groups of three
    [InlineData(3, 2, 70, false)]
    [InlineData(2, 1, 130, true)] // one key head, three blocks
    [InlineData(2, 1, 130, false)]
    public void With_grouped_queries_gives_libtorchs_attention_over_repeated_keys_and_its_gradients(int group, int kvHeads, int length, bool keepsProbabilities)
    {
        const int batch = 2, dim = 16;
        manual_seed(7);
        long keptAtMost = keepsProbabilities ? FusedCausalAttention.KeptProbabilitiesAtMost : 0;
        // Queries, then keys and values, side by side along the head axis, so one gradient check covers all three.
        Tensor[] Attend(Tensor all, bool fused)
        {
            var parts = all.split([kvHeads * group, kvHeads, kvHeads], 1);
            var (q, k, v) = (parts[0], parts[1], parts[2]);
            return fused
                ? [FusedCausalAttention.Apply(FusedRotaryHeadsTests.Grouped(q, kvHeads), k, v, Compute, keptAtMost)]
                : [FusedRotaryHeadsTests.Grouped(Reference(q, k.repeat_interleave(group, dim: 1), v.repeat_interleave(group, dim: 1)), kvHeads)];
        }

        GradientCheck.Same(all => Attend(all, fused: true), all => Attend(all, fused: false),
            randn(batch, kvHeads * (group + 2), length, dim), rtol: 1e-4, atol: 1e-5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scores_far_beyond_exps_range_give_gradients_as_exact_as_libtorchs(bool keepsProbabilities)
    {
        long keptAtMost = keepsProbabilities ? FusedCausalAttention.KeptProbabilitiesAtMost : 0;
        manual_seed(5);
        var qkv = randn(1, 3 * 2, 70, 16) * 30;
        var upstream = randn(1, 2, 70, 16);
        Tensor Gradient(Tensor input, Func<Tensor, Tensor, Tensor, Tensor> attention)
        {
            var x = input.detach().requires_grad_(true);
            return autograd.grad(Split(x, attention), [x], [upstream.to(input.dtype)])[0].to(float64);
        }

        // Near one-hot rows: dS = p·(dP − Σ p·dP) cancels, and any float32 order of rounding shows.
        var exact = Gradient(qkv.to(float64), Reference);
        double Error(Tensor gradient) => (gradient - exact).abs().max().item<double>() / exact.abs().max().item<double>();
        double ours = Error(Gradient(qkv, (q, k, v) => FusedCausalAttention.Apply(q, k, v, Compute, keptAtMost))), theirs = Error(Gradient(qkv, Reference));

        Assert.True(ours <= Math.Max(2 * theirs, 1e-5), $"largest error of the largest gradient: ours {ours}, libtorch's {theirs}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_bfloat16_products_it_stays_within_bfloat16_rounding_of_float32(bool keepsProbabilities)
    {
        long keptAtMost = keepsProbabilities ? FusedCausalAttention.KeptProbabilitiesAtMost : 0;
        manual_seed(6);
        var qkv = randn(2, 3 * 4, 100, 32).requires_grad_(true);
        var upstream = randn(2, 4, 100, 32);
        var exact = Split(qkv, Reference)[0];
        var exactGradient = autograd.grad([exact], [qkv], [upstream])[0];

        Tensor rounded, roundedGradient;
        using (Compute.BFloat16())
        {
            rounded = Split(qkv, (q, k, v) => FusedCausalAttention.Apply(q, k, v, Compute, keptAtMost))[0];
            roundedGradient = autograd.grad([rounded], [qkv], [upstream.to(bfloat16)])[0];
        }

        // In the products' type, as the output projection reads it.
        Assert.Equal(bfloat16, rounded.dtype);
        rounded = rounded.to(float32);
        Assert.False(rounded.allclose(exact, rtol: 1e-5, atol: 1e-6));
        Assert.True(rounded.allclose(exact, rtol: 2e-2, atol: 2e-2), $"output: max difference {(rounded - exact).abs().max().item<float>()}");
        Assert.True(roundedGradient.allclose(exactGradient, rtol: 3e-2, atol: 3e-2), $"gradient: max difference {(roundedGradient - exactGradient).abs().max().item<float>()}");
    }

    [Fact]
    public void Given_bfloat16_heads_it_hands_back_bfloat16_gradients_of_the_float32_heads_rounded()
    {
        manual_seed(7);
        var (q, k, v) = (randn(2, 2, 2 * 90, 32).to(bfloat16), randn(2, 2, 90, 32).to(bfloat16), randn(2, 2, 90, 32).to(bfloat16));
        var upstream = randn(2, 2, 90, 64).to(bfloat16);
        Tensor[] Gradients(ScalarType type)
        {
            Tensor[] heads = [q.to(type).requires_grad_(true), k.to(type).requires_grad_(true), v.to(type).requires_grad_(true)];
            using var scope = Compute.BFloat16();
            var output = FusedCausalAttention.Apply(heads[0], heads[1], heads[2], Compute);
            return [.. autograd.grad([output.view(2, 2, 90, 64)], heads, [upstream])];
        }

        var (narrow, wide) = (Gradients(bfloat16), Gradients(float32));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(bfloat16, narrow[i].dtype);
            Assert.Equal(BFloat16Rows.Bits(wide[i].to(bfloat16)), BFloat16Rows.Bits(narrow[i]));
        }
    }
}
