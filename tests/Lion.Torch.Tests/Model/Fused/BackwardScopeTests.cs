using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class BackwardScopeTests
{
    private readonly HandedOverGradients _handedOver = new();

    [Fact]
    public void Frees_what_the_backward_made_and_the_upstream_it_was_given_when_it_returns()
    {
        Tensor upstream = ones(3), temporary;
        using (var scope = new BackwardScope(_handedOver, upstream))
        {
            temporary = upstream * 2;
            scope.Results(temporary + 1);
        }

        Assert.True(temporary.IsInvalid);
        Assert.True(upstream.IsInvalid);
    }

    [Fact]
    public void Keeps_the_gradients_it_returns_until_the_threads_next_backward()
    {
        Tensor gradient;
        using (var scope = new BackwardScope(_handedOver, ones(3)))
            gradient = scope.Results(zeros(3), null)[0];

        Assert.False(gradient.IsInvalid);
        Assert.Equal(0f, gradient.sum().item<float>());
        using (new BackwardScope(_handedOver))
            Assert.True(gradient.IsInvalid);
    }

    [Fact]
    public void Another_threads_backward_leaves_the_gradients_this_thread_handed_over_until_the_pass_is_released()
    {
        Tensor gradient;
        using (var scope = new BackwardScope(_handedOver, ones(3)))
            gradient = scope.Results(zeros(3), null)[0];

        var other = new Thread(() =>
        {
            using (new BackwardScope(_handedOver))
            {
            }
        });
        other.Start();
        other.Join();

        Assert.False(gradient.IsInvalid);
        _handedOver.Release();
        Assert.True(gradient.IsInvalid);
        Assert.Equal(0, _handedOver.Count);
    }

    [Fact]
    public void An_upstream_gradient_returned_as_it_is_stays_alive()
    {
        var upstream = ones(3);
        using (var scope = new BackwardScope(_handedOver, upstream))
            scope.Results(upstream);

        Assert.False(upstream.IsInvalid);
    }

    [Fact]
    public void Gradients_survive_a_whole_backward_through_the_fused_kernels()
    {
        var x = randn(2, 8, 16).requires_grad_(true);
        var y = FusedRmsNorm.Apply(FusedSwiGlu.Apply(x, _handedOver), 1e-6, _handedOver);
        var gradient = autograd.grad([y.sum()], [x])[0];
        _handedOver.Release();

        Assert.False(gradient.IsInvalid);
        Assert.Equal([2L, 8, 16], gradient.shape);
        Assert.True(gradient.isfinite().all().item<bool>());
    }
}
