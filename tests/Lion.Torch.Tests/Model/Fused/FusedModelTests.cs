using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedModelTests
{
    private static (double Loss, Tensor[] Gradients) LossAndGradients(LlamaConfig config, bool fused, bool bfloat16 = false, string[]? lora = null)
    {
        manual_seed(4);
        using var model = new LlamaForCausalLM(config, fused ? FusedKernels.Parse("1") : FusedKernels.Parse("0"));
        var parameters = model.parameters().ToArray();
        if (lora is not null)
        {
            parameters = [.. model.AttachLora(4, 8, lora)];
            using var noGrad = no_grad();
            foreach (var parameter in parameters)
                parameter.normal_(0, 0.1); // B starts at zero; a gradient through A needs a B that is not
        }
        using var cast = model.Compute.BFloat16(bfloat16);
        var tokens = randint(0, config.VocabSize, [3, 19], dtype: int64);
        var loss = model.Loss(tokens, tokens);
        var gradients = autograd.grad([loss], parameters);
        return (loss.item<float>(), gradients.Select(g => g.detach().clone()).ToArray());
    }

    public static TheoryData<string> Architectures => ["LlamaForCausalLM", "Qwen2ForCausalLM"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_model_with_the_kernels_gives_the_loss_and_gradients_of_one_without(string architecture)
    {
        var config = new LlamaConfig
        {
            VocabSize = 50, HiddenSize = 48, IntermediateSize = 80, NumHiddenLayers = 2, NumAttentionHeads = 6, NumKeyValueHeads = 2,
            Architecture = architecture,
        };

        var (fusedLoss, fused) = LossAndGradients(config, fused: true);
        var (plainLoss, plain) = LossAndGradients(config, fused: false);

        Assert.Equal(plainLoss, fusedLoss, 5);
        for (int i = 0; i < plain.Length; i++)
            Assert.True(fused[i].allclose(plain[i], rtol: 1e-4, atol: 1e-6), $"parameter {i}: max difference {(fused[i] - plain[i]).abs().max().item<float>()}");
    }

    public static TheoryData<string, bool> LoraTargets => new()
    {
        { "q_proj,k_proj,v_proj,o_proj", false }, { "q_proj,k_proj,v_proj,o_proj", true }, { "q_proj,v_proj,gate_proj,down_proj", false },
    };

    [Theory]
    [MemberData(nameof(LoraTargets))]
    public void With_LoRA_adapters_the_kernels_give_the_loss_and_adapter_gradients_of_libtorchs_operations(string targets, bool bfloat16)
    {
        var config = new LlamaConfig
        {
            VocabSize = 50, HiddenSize = 48, IntermediateSize = 80, NumHiddenLayers = 2, NumAttentionHeads = 6, NumKeyValueHeads = 2,
            Architecture = "Qwen2ForCausalLM",
        };

        var (fusedLoss, fused) = LossAndGradients(config, fused: true, bfloat16, targets.Split(','));
        var (plainLoss, plain) = LossAndGradients(config, fused: false, bfloat16, targets.Split(','));

        Assert.Equal(plainLoss, fusedLoss, bfloat16 ? 3 : 5);
        for (int i = 0; i < plain.Length; i++)
        {
            double relative = (fused[i] - plain[i]).norm().item<float>() / plain[i].norm().item<float>();
            // An adapter's gradient is a small sum of bfloat16-rounded terms: its rounding shows more than a weight's.
            Assert.True(relative < (bfloat16 ? 2e-2 : 1e-4), $"adapter parameter {i}: relative difference {relative}");
        }
    }

    [Fact]
    public void Under_bfloat16_products_the_kernels_give_the_loss_and_gradients_of_libtorchs_operations()
    {
        var config = new LlamaConfig { VocabSize = 50, HiddenSize = 48, IntermediateSize = 80, NumHiddenLayers = 2, NumAttentionHeads = 6, NumKeyValueHeads = 2 };

        var (fusedLoss, fused) = LossAndGradients(config, fused: true, bfloat16: true);
        var (plainLoss, plain) = LossAndGradients(config, fused: false, bfloat16: true);
        var (_, float32) = LossAndGradients(config, fused: true);

        // The kernels round where libtorch's casts round; what differs is float32's order of sums,
        // which can move a value across a bfloat16 rounding boundary now and then.
        Assert.Equal(plainLoss, fusedLoss, 3);
        for (int i = 0; i < plain.Length; i++)
        {
            double relative = (fused[i] - plain[i]).norm().item<float>() / plain[i].norm().item<float>();
            Assert.True(relative < 1e-2, $"parameter {i}: relative difference {relative}");
        }
        Assert.Contains(Enumerable.Range(0, plain.Length), i => !fused[i].allclose(float32[i], rtol: 1e-3, atol: 1e-6));
    }
}
