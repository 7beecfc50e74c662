using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class ModelComputeTests
{
    private readonly ModelCompute _compute = ModelCompute.WithoutKernels();

    private static (Tensor X, Tensor Weight, Tensor Bias) Inputs()
    {
        manual_seed(3);
        return (randn(40, 48), randn(24, 48) * 0.2, randn(24));
    }

    private static double MaxRelative(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();

    [Fact]
    public void Outside_a_scope_a_projection_is_float32s_exactly()
    {
        var (x, weight, bias) = Inputs();

        Assert.False(_compute.InBFloat16);
        Assert.True(_compute.Linear(x, weight, bias).allclose(nn.functional.linear(x, weight, bias), rtol: 0, atol: 0));
    }

    [Fact]
    public void Inside_a_bfloat16_scope_a_projection_is_rounded_to_bfloat16_and_returned_as_float32()
    {
        var (x, weight, bias) = Inputs();
        var exact = nn.functional.linear(x, weight, bias);

        using var cast = _compute.BFloat16();
        var product = _compute.Linear(x, weight, bias);

        Assert.Equal(ScalarType.Float32, product.dtype);
        Assert.False(product.allclose(exact, rtol: 0, atol: 0));
        Assert.True(MaxRelative(product, exact) < 2e-2, $"relative difference {MaxRelative(product, exact)}");
        Assert.True(product.allclose(nn.functional.linear(x.to(bfloat16), weight.to(bfloat16), bias.to(bfloat16)).to(float32), rtol: 0, atol: 0));
    }

    [Fact]
    public void Gradients_of_a_bfloat16_product_reach_the_float32_weights()
    {
        var (x, weight, bias) = Inputs();
        var w32 = weight.clone().requires_grad_(true);
        nn.functional.linear(x, w32, bias).pow(2).sum().backward();
        var w16 = weight.clone().requires_grad_(true);

        using (_compute.BFloat16())
            _compute.Linear(x, w16, bias).pow(2).sum().backward();

        Assert.Equal(ScalarType.Float32, w16.grad!.dtype);
        Assert.True(MaxRelative(w16.grad, w32.grad!) < 3e-2, $"relative difference {MaxRelative(w16.grad, w32.grad!)}");
    }

    [Fact]
    public void A_frozen_parameter_is_cast_once_a_scope_and_its_copy_dropped_when_the_scope_ends()
    {
        var (x, weight, _) = Inputs();
        var frozen = new TorchSharp.Modules.Parameter(weight.clone(), requires_grad: false);

        Tensor before, sameScope;
        using (_compute.BFloat16())
        {
            before = _compute.Linear(x, frozen);
            using (no_grad())
                frozen.mul_(2);
            sameScope = _compute.Linear(x, frozen);
        }
        Tensor nextScope;
        using (_compute.BFloat16())
            nextScope = _compute.Linear(x, frozen);

        Assert.True(sameScope.allclose(before, rtol: 0, atol: 0));
        Assert.True(nextScope.allclose(before * 2, rtol: 1e-2, atol: 1e-3));
    }

    [Fact]
    public void A_trainable_weight_is_cast_at_every_product()
    {
        var (x, weight, _) = Inputs();
        var trainable = new TorchSharp.Modules.Parameter(weight.clone(), requires_grad: true);

        using var cast = _compute.BFloat16();
        var before = _compute.Linear(x, trainable);
        using (no_grad())
            trainable.mul_(2);
        var after = _compute.Linear(x, trainable);

        Assert.True(after.allclose(before * 2, rtol: 1e-2, atol: 1e-3));
    }

    [Fact]
    public void Frozen_weights_join_in_bfloat16_inside_a_scope_and_others_as_float32()
    {
        var (_, weight, _) = Inputs();
        var first = new TorchSharp.Modules.Parameter(weight.clone(), requires_grad: false);
        var second = new TorchSharp.Modules.Parameter(weight * 3, requires_grad: false);
        var trainable = new TorchSharp.Modules.Parameter(weight * 5, requires_grad: true);

        Assert.True(_compute.Joined(first, second).allclose(cat([weight, second], 0), rtol: 0, atol: 0));
        using var cast = _compute.BFloat16();
        var frozen = _compute.Joined(first, second);
        var mixed = _compute.Joined(first, trainable);

        Assert.Equal(ScalarType.BFloat16, frozen.dtype);
        Assert.True(frozen.to(float32).allclose(cat([weight, second], 0).to(bfloat16).to(float32), rtol: 0, atol: 0));
        Assert.Equal(ScalarType.Float32, mixed.dtype);
    }

    [Fact]
    public void Float32_weights_that_take_no_gradient_are_joined_once_and_then_read_where_they_lie()
    {
        var (_, weight, _) = Inputs();
        var first = new TorchSharp.Modules.Parameter(weight.clone(), requires_grad: false);
        var second = new TorchSharp.Modules.Parameter(weight[..8] * 3, requires_grad: false);

        var joined = _compute.Joined(first, second);
        using (no_grad())
            first.add_(1);
        var again = _compute.Joined(first, second);

        Assert.True(joined.allclose(cat([weight + 1, weight[..8] * 3], 0), rtol: 0, atol: 0));
        Assert.True(again.allclose(joined, rtol: 0, atol: 0));
        Assert.Equal([24, 48], first.shape);
        Assert.Equal([8, 48], second.shape);
        Assert.True(second.allclose(weight[..8] * 3, rtol: 0, atol: 0));
    }

    [Fact]
    public void Trainable_weights_joined_in_place_without_gradients_still_take_their_own_gradients()
    {
        var (x, weight, _) = Inputs();
        var first = new TorchSharp.Modules.Parameter(weight.clone(), requires_grad: true);
        var second = new TorchSharp.Modules.Parameter(weight * 3, requires_grad: true);
        using (no_grad())
            _compute.Joined(first, second);

        nn.functional.linear(x, _compute.Joined(first, second)).sum().backward();

        Assert.True(first.grad!.allclose(x.sum(0L).expand(24, 48), rtol: 1e-5, atol: 1e-4));
        Assert.True(second.grad!.allclose(x.sum(0L).expand(24, 48), rtol: 1e-5, atol: 1e-4));
        Assert.True(first.allclose(weight, rtol: 0, atol: 0));
    }

    [Fact]
    public void A_scope_restores_the_setting_it_found()
    {
        using (_compute.BFloat16())
        {
            using (_compute.BFloat16(enabled: false))
                Assert.False(_compute.InBFloat16);
            Assert.True(_compute.InBFloat16);
        }
        Assert.False(_compute.InBFloat16);
    }

    [Fact]
    public void A_scope_belongs_to_its_model_and_holds_on_every_thread_its_passes_run_on()
    {
        var other = ModelCompute.WithoutKernels();
        using var cast = _compute.BFloat16();
        bool onWorker = false;
        var thread = new Thread(() => onWorker = _compute.InBFloat16);
        thread.Start();
        thread.Join();

        Assert.True(onWorker);
        Assert.False(other.InBFloat16);
    }

    [Fact]
    public void A_model_takes_the_kernels_it_was_built_with()
    {
        using var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel, new HashSet<Lion.Torch.Model.Fused.FusedKernel> { Lion.Torch.Model.Fused.FusedKernel.RmsNorm });
        using var plain = new LlamaForCausalLM(LlamaConfig.TinyByteLevel, new HashSet<Lion.Torch.Model.Fused.FusedKernel>());

        Assert.Equal([Lion.Torch.Model.Fused.FusedKernel.RmsNorm], model.Compute.Kernels);
        Assert.Empty(plain.Compute.Kernels);
        Assert.Contains("rms_norm", model.Compute.Description);
    }

    /// <summary>A frozen parameter whose values are bfloat16 values already, as a checkpoint published in bfloat16 loads.</summary>
    private static TorchSharp.Modules.Parameter FrozenInBFloat16Values(Tensor weight) =>
        new(weight.to(bfloat16).to(float32), requires_grad: false);

    [Fact]
    public void A_frozen_weight_its_copy_holds_exactly_is_released_in_the_scope_and_written_back_bit_for_bit()
    {
        var (x, weight, _) = Inputs();
        var frozen = FrozenInBFloat16Values(weight);
        var original = frozen.detach().clone();

        Tensor held, expected;
        long released;
        using (_compute.BFloat16())
        {
            expected = _compute.Linear(x, frozen);
            released = _compute.HoldInBFloat16([frozen]);
            held = _compute.Linear(x, frozen);
            Assert.Equal([0L, 0L], frozen.stride());
            Assert.True(frozen.isnan().all().item<bool>());
        }

        Assert.Equal(frozen.numel() * sizeof(float), released);
        Assert.True(held.allclose(expected, rtol: 0, atol: 0));
        Assert.True(frozen.allclose(original, rtol: 0, atol: 0));
        Assert.True(frozen.is_contiguous());
    }

    [Fact]
    public unsafe void Frozen_weights_are_joined_once_a_scope_and_held_weights_come_back_bit_for_bit_from_the_join()
    {
        var (x, weight, _) = Inputs();
        var first = FrozenInBFloat16Values(weight);
        var second = FrozenInBFloat16Values(weight * 3);
        var originals = new[] { first.detach().clone(), second.detach().clone() };

        using (_compute.BFloat16())
        {
            Assert.True(_compute.HoldInBFloat16([first, second]) > 0);
            var joined = _compute.Joined(first, second);
            Assert.Same(joined, _compute.Joined(first, second));
            Assert.True(joined.to(float32).allclose(cat(originals, 0), rtol: 0, atol: 0));
            // Each held weight's copy is its rows of the join, not a second copy.
            Assert.True(Lion.Torch.Model.Fused.FloatMemory.BFloat16Of(_compute.HeldCopy(second)!) == Lion.Torch.Model.Fused.FloatMemory.BFloat16Of(joined) + first.numel());
            Assert.True(_compute.Linear(x, second).allclose(nn.functional.linear(x.to(bfloat16), originals[1].to(bfloat16)).to(float32), rtol: 0, atol: 0));
        }

        Assert.True(first.allclose(originals[0], rtol: 0, atol: 0));
        Assert.True(second.allclose(originals[1], rtol: 0, atol: 0));
    }

    [Fact]
    public void A_frozen_weight_its_copy_would_round_keeps_its_float32_storage()
    {
        var (_, weight, _) = Inputs();
        var frozen = new TorchSharp.Modules.Parameter(weight.clone(), requires_grad: false);
        var trainable = new TorchSharp.Modules.Parameter(weight.to(bfloat16).to(float32), requires_grad: true);

        using var cast = _compute.BFloat16();

        Assert.Equal(0, _compute.HoldInBFloat16([frozen, trainable]));
        Assert.True(frozen.allclose(weight, rtol: 0, atol: 0));
    }

    [Fact]
    public void Outside_a_bfloat16_scope_nothing_is_released()
    {
        var frozen = FrozenInBFloat16Values(Inputs().Weight);

        Assert.Equal(0, _compute.HoldInBFloat16([frozen]));
        Assert.True(frozen.is_contiguous());
    }

    [Fact]
    public void A_float32_scope_inside_writes_the_released_weights_back_first()
    {
        var (x, weight, _) = Inputs();
        var frozen = FrozenInBFloat16Values(weight);

        using var cast = _compute.BFloat16();
        _compute.HoldInBFloat16([frozen]);
        using var exact = _compute.BFloat16(enabled: false);

        Assert.True(_compute.Linear(x, frozen).allclose(nn.functional.linear(x, weight.to(bfloat16).to(float32)), rtol: 0, atol: 0));
    }
}
