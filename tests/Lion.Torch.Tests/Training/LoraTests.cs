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
    public void Lora_training_changes_only_the_targeted_projections_and_leaves_a_plain_model()
    {
        using var model = Model();
        var before = Snapshot(model);
        var tokenizer = new ByteTokenizer();
        var examples = Enumerable.Range(0, 16).Select(i => (tokenizer.Encode($"item {i} ="), tokenizer.Encode($"{i * 7}"))).ToList();
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
}
