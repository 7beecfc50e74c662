using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class LoraAdapterTests
{
    private static readonly ModelCompute Compute = ModelCompute.WithoutKernels();

    /// <summary>Three projections side by side, 12, 4 and 4 wide, of 16 input features; adapters of rank 2 on the ones asked for, A and B random.</summary>
    private static (LoraAdapter?[] Adapters, long[] Widths) Projections(params bool[] adapted)
    {
        long[] widths = [12, 4, 4];
        var adapters = widths.Select((width, i) =>
        {
            if (!adapted[i])
                return null;
            var adapter = new LoraAdapter(nn.Linear(16, width), rank: 2, alpha: 6);
            using (no_grad())
                adapter.B.normal_(0, 0.5);
            return adapter;
        }).ToArray();
        return (adapters, widths);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)] // the middle projection without an adapter: a zero block
    [InlineData(false, true, false)]
    public void Joined_updates_give_each_adapters_own_update_and_gradients(bool first, bool second, bool third)
    {
        manual_seed(7);
        var (adapters, widths) = Projections(first, second, third);
        var x = randn(3, 5, 16);
        var product = randn(3, 5, widths.Sum());
        var upstream = randn(3, 5, widths.Sum());
        var parameters = adapters.Where(a => a is not null).SelectMany(a => new Tensor[] { a!.A, a.B }).ToList();

        var joined = LoraAdapter.WithUpdates(Compute, product, x, [.. adapters.Zip(widths)]);
        var joinedGradients = autograd.grad([joined], parameters, [upstream]);
        // Each adapter alone: (α/r)·x·Aᵀ·Bᵀ added to its own columns.
        var parts = adapters.Zip(widths).Select(p => p.First is { } adapter
            ? nn.functional.linear(nn.functional.linear(x, adapter.A), adapter.B) * 3
            : zeros(3, 5, p.Second)).ToArray();
        var alone = product + cat(parts, -1);
        var aloneGradients = autograd.grad([alone], parameters, [upstream]);

        Assert.True(joined.allclose(alone, rtol: 1e-5, atol: 1e-5));
        Assert.All(joinedGradients.Zip(aloneGradients), pair => Assert.True(pair.First.allclose(pair.Second, rtol: 1e-5, atol: 1e-5)));
    }

    [Fact]
    public void Without_adapters_the_product_is_returned_as_it_is()
    {
        var (adapters, widths) = Projections(false, false, false);
        var product = randn(2, 20);

        Assert.Same(product, LoraAdapter.WithUpdates(Compute, product, randn(2, 16), [.. adapters.Zip(widths)]));
    }
}
