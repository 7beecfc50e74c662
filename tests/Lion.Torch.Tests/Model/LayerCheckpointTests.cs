using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class LayerCheckpointTests
{
    private static LlamaConfig Config(string architecture) => new()
    {
        VocabSize = 50, HiddenSize = 48, IntermediateSize = 80, NumHiddenLayers = 3, NumAttentionHeads = 6, NumKeyValueHeads = 2,
        Architecture = architecture,
    };

    /// <summary>Rows whose prompts (unlabelled) differ in length, as a training batch's do.</summary>
    private static (Tensor Input, Tensor Labels) Batch(int vocabulary)
    {
        manual_seed(6);
        var input = randint(0, vocabulary, [4, 21], dtype: int64);
        var labels = input.clone();
        foreach (var (row, prompt) in new[] { (0, 3), (1, 15), (2, 8), (3, 1) })
            labels[row, TensorIndex.Slice(0, prompt)] = tensor(-100L);
        return (input, labels);
    }

    /// <summary>One pass's loss and the trained parameters' gradients, through the trainer's sharded backward.</summary>
    private static (double Loss, Tensor[] Gradients) Pass(LlamaConfig config, bool checkpointed, string kernels = "1", int workers = 1,
        bool bfloat16 = false, string[]? lora = null)
    {
        manual_seed(4);
        using var model = new LlamaForCausalLM(config, FusedKernels.Parse(kernels));
        var trainable = model.parameters().ToList();
        if (lora is not null)
        {
            trainable = [.. model.AttachLora(4, 8, lora)];
            using var noGrad = no_grad();
            foreach (var parameter in trainable)
                parameter.normal_(0, 0.1); // B starts at zero; a gradient through A needs a B that is not
        }
        using var cast = model.Compute.BFloat16(bfloat16);
        model.Compute.CheckpointsLayers = checkpointed;
        var (input, labels) = Batch(config.VocabSize);
        using var passes = new ShardedBackward(workers);
        double loss = passes.Backward(model, trainable, input, labels, 1);
        return (loss, trainable.Select(p => p.grad!.detach().clone()).ToArray());
    }

    private static void AssertSame((double Loss, Tensor[] Gradients) expected, (double Loss, Tensor[] Gradients) actual)
    {
        Assert.Equal(expected.Loss, actual.Loss, 6);
        for (int i = 0; i < expected.Gradients.Length; i++)
            Assert.True(actual.Gradients[i].allclose(expected.Gradients[i], rtol: 1e-5, atol: 1e-7),
                $"parameter {i}: max difference {(actual.Gradients[i] - expected.Gradients[i]).abs().max().item<float>()}");
    }

    public static TheoryData<string, string> ArchitecturesAndKernels => new()
    {
        { "LlamaForCausalLM", "1" }, { "Qwen2ForCausalLM", "1" }, { "LlamaForCausalLM", "0" }, { "Qwen2ForCausalLM", "0" },
    };

    [Theory]
    [MemberData(nameof(ArchitecturesAndKernels))]
    public void Computing_each_layer_again_gives_the_loss_and_every_gradient_of_a_plain_pass(string architecture, string kernels)
    {
        var config = Config(architecture);

        AssertSame(Pass(config, checkpointed: false, kernels), Pass(config, checkpointed: true, kernels));
    }

    [Fact]
    public void Shares_on_two_workers_compute_their_layers_again_alike()
    {
        var config = Config("Qwen2ForCausalLM");

        AssertSame(Pass(config, checkpointed: false, workers: 2), Pass(config, checkpointed: true, workers: 2));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoRA_adapters_get_the_gradients_of_a_plain_pass(bool bfloat16)
    {
        var config = Config("Qwen2ForCausalLM");
        string[] targets = ["q_proj", "v_proj", "gate_proj", "down_proj"];

        AssertSame(Pass(config, checkpointed: false, bfloat16: bfloat16, lora: targets), Pass(config, checkpointed: true, bfloat16: bfloat16, lora: targets));
    }

    /// <summary>What a pass's graph holds between its forward and its backward pass, in MB.</summary>
    private static long HeldForBackward(bool checkpointed)
    {
        manual_seed(4);
        // Wide rows and many tokens, so that each layer's activations are tens of MB and its input 2 MB.
        using var model = new LlamaForCausalLM(Config("LlamaForCausalLM") with
        {
            HiddenSize = 256, IntermediateSize = 2048, NumHiddenLayers = 4, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        });
        model.Compute.CheckpointsLayers = checkpointed;
        using var input = randint(0, 50, [8, 256], dtype: int64);
        long before = ResidentMemory.Megabytes();
        using var loss = model.Loss(input, input);
        long held = ResidentMemory.Megabytes() - before;
        loss.backward();
        return held;
    }

    [Fact]
    public void A_checkpointed_pass_holds_only_each_layers_input_until_its_backward()
    {
        if (!OperatingSystem.IsLinux())
            return;
        long plain = HeldForBackward(checkpointed: false), checkpointed = HeldForBackward(checkpointed: true);

        Assert.InRange(plain, 100, long.MaxValue);
        Assert.InRange(checkpointed, long.MinValue, plain / 4);
    }
}
