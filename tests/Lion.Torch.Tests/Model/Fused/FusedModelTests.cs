using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FusedModelTests
{
    private static (double Loss, Tensor[] Gradients) LossAndGradients(LlamaConfig config, bool fused)
    {
        using var off = fused ? null : FusedKernels.Off();
        manual_seed(4);
        using var model = new LlamaForCausalLM(config);
        var tokens = randint(0, config.VocabSize, [3, 19], dtype: int64);
        var loss = model.Loss(tokens, tokens);
        var parameters = model.parameters().ToArray();
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
}
