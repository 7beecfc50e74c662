using Lion.Core.Config;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Training;

public sealed class LoraTests
{
    private static LlamaForCausalLM Model()
    {
        manual_seed(21);
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 128 });
    }

    private static List<(int[] Prompt, int[] Answer)> Examples()
    {
        var tokenizer = new ByteTokenizer();
        return Enumerable.Range(0, 16).Select(i => (tokenizer.Encode($"item {i} ="), tokenizer.Encode($"{i * 7}"))).ToList();
    }

    private static Dictionary<string, Tensor> Snapshot(LlamaForCausalLM model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Fact]
    public void Merging_gives_the_same_outputs_as_the_attached_adapters()
    {
        using var model = Model();
        using var tokens = tensor(new long[,] { { 256, 10, 20, 30, 40 } });
        var adapters = model.AttachLora(rank: 4, alpha: 8, ["q_proj", "v_proj", "down_proj"]);
        using (no_grad())
            foreach (var parameter in adapters)
                parameter.normal_(0, 0.1);

        using var attached = model.forward(tokens);
        model.MergeLora();
        using var merged = model.forward(tokens);

        Assert.True(allclose(attached, merged, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Adapters_computed_in_bfloat16_give_the_merged_float32_outputs_within_bfloat16_rounding()
    {
        using var model = Model();
        using var tokens = tensor(new long[,] { { 256, 10, 20, 30, 40, 50, 60, 70 } });
        var adapters = model.AttachLora(rank: 4, alpha: 8, ["k_proj", "v_proj", "o_proj"]);
        using (no_grad())
            foreach (var parameter in adapters)
                parameter.normal_(0, 0.1);

        Tensor attached;
        using (model.Compute.BFloat16())
            attached = model.forward(tokens);
        model.MergeLora();
        using var merged = model.forward(tokens);

        Assert.True(attached.allclose(merged, rtol: 0.05, atol: 0.05));
        Assert.False(attached.allclose(merged, rtol: 1e-6, atol: 1e-7)); // computed in bfloat16 indeed
        attached.Dispose();
    }

    [Fact]
    public void Lora_training_changes_only_the_targeted_projections_and_leaves_a_plain_model()
    {
        using var model = Model();
        var before = Snapshot(model);
        var examples = Examples();
        var trainer = new SftTrainer(new TrainingOptions { Epochs = 8, LearningRate = 1e-2, BatchSize = 8, Lora = new LoraOptions(4, 8) });

        var report = trainer.Train(model, examples);
        var after = Snapshot(model);

        Assert.True(report.LastEpochLoss < report.FirstEpochLoss);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, tensor) in after)
        {
            bool targeted = name.Contains("self_attn.") && !name.EndsWith("norm.weight");
            Assert.True(targeted != before[name].eq(tensor).all().item<bool>(), name);
        }
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    /// <summary>The model's weights rounded to bfloat16 values, as a checkpoint published in bfloat16 loads.</summary>
    private static LlamaForCausalLM ModelInBFloat16Values()
    {
        var model = Model();
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters())
            parameter.copy_(parameter.to(bfloat16).to(float32));
        return model;
    }

    private static (float Loss, Tensor[] Gradients) BFloat16LossAndGradients(LlamaForCausalLM model, Tensor tokens, bool hold)
    {
        manual_seed(5);
        var adapters = model.AttachLora(rank: 4, alpha: 8, ["q_proj", "v_proj", "down_proj"]);
        using (no_grad())
            foreach (var parameter in adapters)
                parameter.normal_(0, 0.1);
        using var cast = model.Compute.BFloat16();
        if (hold)
            Assert.True(model.HoldFrozenInBFloat16() > 0);
        var loss = model.Loss(tokens, tokens);
        loss.backward();
        return (loss.item<float>(), adapters.Select(a => a.grad!.clone()).ToArray());
    }

    [Fact]
    public void Frozen_weights_held_only_in_bfloat16_give_the_same_loss_and_gradients()
    {
        using var held = ModelInBFloat16Values();
        using var kept = ModelInBFloat16Values();
        manual_seed(9);
        // More positions than the vocabulary has entries: the head scales its input, not its weight.
        using var tokens = randint(0, 256, [4, 100], dtype: int64);

        var (heldLoss, heldGradients) = BFloat16LossAndGradients(held, tokens, hold: true);
        var (keptLoss, keptGradients) = BFloat16LossAndGradients(kept, tokens, hold: false);

        Assert.False(float.IsNaN(heldLoss));
        Assert.Equal(keptLoss, heldLoss);
        Assert.All(heldGradients.Zip(keptGradients), pair => Assert.True(pair.First.allclose(pair.Second, rtol: 0, atol: 0)));
    }

    [Fact]
    public void Lora_training_in_bfloat16_holds_frozen_weights_in_bfloat16_and_leaves_them_bit_for_bit()
    {
        using var model = ModelInBFloat16Values();
        var before = Snapshot(model);
        var examples = Examples();
        var lines = new List<string>();
        var trainer = new SftTrainer(new TrainingOptions
        {
            Epochs = 8, LearningRate = 1e-2, BatchSize = 8, Precision = TrainingPrecision.BFloat16, Lora = new LoraOptions(4, 8) { Merge = false },
        }, lines.Add);

        var report = trainer.Train(model, examples);

        Assert.Contains(lines, l => l.Contains("held in bfloat16"));
        Assert.True(report.LastEpochLoss < report.FirstEpochLoss);
        foreach (var (name, tensor) in Snapshot(model))
            Assert.True(before[name].allclose(tensor, rtol: 0, atol: 0), name);
        model.UnloadLora();
        Assert.All(model.parameters(), p => Assert.True(p.is_contiguous()));
    }
}
