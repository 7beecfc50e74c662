using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class TiedEmbeddingLookupTests
{
    private static (Tensor Input, Tensor Labels) Batch(int rows)
    {
        using var generator = new Generator(8);
        var input = randint(0, 259, [rows, 24], generator: generator, dtype: int64);
        var labels = input.clone();
        labels[TensorIndex.Colon, TensorIndex.Slice(0, 6)] = tensor(-100L);
        return (input, labels);
    }

    private static LlamaForCausalLM Tied()
    {
        var tied = new LlamaForCausalLM(LlamaConfig.TinyByteLevel);
        using var generator = new Generator(9);
        using var noGrad = no_grad();
        foreach (var parameter in tied.parameters().Where(p => p.dim() == 2))
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.05);
        return tied;
    }

    /// <summary>The same weights with the head a matrix of its own, equal to the embedding.</summary>
    private static LlamaForCausalLM UntiedTwin(LlamaForCausalLM tied)
    {
        var untied = new LlamaForCausalLM(LlamaConfig.TinyByteLevel with { TieWordEmbeddings = false });
        var weights = tied.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in untied.named_parameters())
            parameter.copy_(weights[name == "lm_head.weight" ? "model.embed_tokens.weight" : name]);
        return untied;
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 5)]
    [InlineData(1, 16)] // more positions than the vocabulary has rows: a dense gradient from the lookup
    [InlineData(2, 16)]
    public void A_tied_embedding_learns_from_both_its_uses_as_one_dense_gradient(int workers, int rows)
    {
        var (input, labels) = Batch(rows);
        using var tied = Tied();
        using var untied = UntiedTwin(tied);
        using var passes = new ShardedBackward(workers);

        passes.Backward(tied, tied.parameters().ToList(), input, labels, 1.0);
        passes.Backward(untied, untied.parameters().ToList(), input, labels, 1.0);

        var gradient = tied.state_dict().Keys.Zip(tied.parameters()).Single(p => p.First == "model.embed_tokens.weight").Second.grad!;
        var parts = untied.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        var expected = parts["model.embed_tokens.weight"] + parts["lm_head.weight"];
        Assert.False(gradient.is_sparse);
        Assert.True(gradient.allclose(expected, rtol: 1e-4, atol: 1e-6), $"max difference {(gradient - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void The_lookups_gradient_holds_only_the_rows_looked_up_and_sums_repeated_tokens()
    {
        var weight = randn(10, 3).requires_grad_();
        var tokens = tensor(new long[] { 7, 2, 7 }).view(1, 3);
        var upstream = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).view(1, 3, 3);

        var rows = TiedEmbeddingLookup.Apply(weight, tokens, new HandedOverGradients());
        var gradient = autograd.grad([(rows * upstream).sum()], [weight])[0];

        Assert.True(rows.allclose(weight.detach().index_select(0, tokens.flatten()).view(1, 3, 3), rtol: 0, atol: 0));
        Assert.True(gradient.is_sparse);
        var dense = gradient.to_dense();
        Assert.Equal([8f, 10f, 12f], dense[7].data<float>().ToArray());
        Assert.Equal([4f, 5f, 6f], dense[2].data<float>().ToArray());
        Assert.Equal(0f, dense.abs().sum().item<float>() - dense[7].abs().sum().item<float>() - dense[2].abs().sum().item<float>());
    }
}
