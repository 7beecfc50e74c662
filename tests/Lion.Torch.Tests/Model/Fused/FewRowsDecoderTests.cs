using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model.Fused;

public sealed class FewRowsDecoderTests
{
    private static LlamaConfig Config(string architecture) => new()
    {
        VocabSize = 300, HiddenSize = 48, IntermediateSize = 80, NumHiddenLayers = 3, NumAttentionHeads = 6, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 128, Architecture = architecture,
    };

    /// <summary>A model whose weights (biases and norm scales too) are far enough from their initial values that every step's logits differ clearly.</summary>
    private static LlamaForCausalLM Model(LlamaConfig config, string kernels)
    {
        manual_seed(7);
        var model = new LlamaForCausalLM(config, FusedKernels.Parse(kernels));
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters())
            parameter.add_(randn_like(parameter) * 0.2);
        return model;
    }

    public static TheoryData<string> Architectures => ["LlamaForCausalLM", "Qwen2ForCausalLM"];

    /// <summary>Feeds the prompts, each left-padded to the longest (padding masked), then each step's greedy tokens; returns every step's logits, [rows, vocab].</summary>
    private static List<Tensor> Decode(LlamaForCausalLM model, long[][] prompts, int steps, int padding = 0)
    {
        using var noGrad = no_grad();
        var caches = Enumerable.Range(0, model.Config.NumHiddenLayers).Select(_ => new LayerCache()).ToList();
        int length = padding + prompts.Max(p => p.Length), rows = prompts.Length;
        var pads = prompts.Select(p => (long)(length - p.Length)).ToArray();
        var tokens = tensor(prompts.SelectMany((p, r) => Enumerable.Repeat(0L, (int)pads[r]).Concat(p)).ToArray()).view(rows, length);
        var positions = tensor(prompts.SelectMany((p, r) => Enumerable.Range(0, length).Select(i => Math.Max(0, i - pads[r]))).ToArray()).view(rows, length);
        var real = arange(length).view(1, -1) >= tensor(pads).view(-1, 1);
        var causal = ones(length, length, dtype: ScalarType.Bool).tril();
        var mask = ((causal.unsqueeze(0) & real.unsqueeze(1)) | eye(length, dtype: ScalarType.Bool).unsqueeze(0)).unsqueeze(1);
        var logits = new List<Tensor> { model.Forward(tokens, positions, mask, caches).select(1, -1) };
        for (int step = 0; step < steps; step++)
        {
            var next = logits[^1].argmax(1).view(rows, 1);
            var stepPositions = tensor(prompts.Select(p => (long)(p.Length + step)).ToArray()).view(rows, 1);
            var stepMask = (arange(length + step + 1).view(1, -1) >= tensor(pads).view(-1, 1)).view(rows, 1, 1, -1);
            logits.Add(model.Forward(next, stepPositions, stepMask, caches).select(1, 0));
        }
        foreach (var cache in caches)
            cache.Dispose();
        return logits;
    }

    private static void AssertSameLogits(List<Tensor> expected, List<Tensor> actual, bool bothLibtorch = false)
    {
        for (int i = 0; i < expected.Count; i++)
            Assert.True(actual[i].allclose(expected[i], rtol: 1e-4, atol: 1e-4), $"step {i}: max difference {(actual[i] - expected[i]).abs().max().item<float>()}");
        // The kernel sums in another order than libtorch: identical steps would mean it was not taken.
        bool identicalSteps = expected.Skip(1).Zip(actual.Skip(1)).All(pair => pair.First.eq(pair.Second).all().item<bool>());
        Assert.Equal(bothLibtorch, identicalSteps);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Each_step_of_one_sequence_gives_the_logits_of_libtorchs_operations(string architecture)
    {
        using var managed = Model(Config(architecture), "decoding");
        using var plain = Model(Config(architecture), "0");
        long[][] prompt = [[1, 17, 250, 3, 99, 42, 8]];

        AssertSameLogits(Decode(plain, prompt, steps: 40), Decode(managed, prompt, steps: 40));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Each_step_of_sequences_of_different_lengths_gives_the_logits_of_libtorchs_operations(string architecture)
    {
        using var managed = Model(Config(architecture), "decoding");
        using var plain = Model(Config(architecture), "0");
        // Six rows: a block of four input rows and the rows left over after it.
        long[][] prompts = [[1, 17, 250, 3, 99, 42, 8], [5], [9, 9, 9], [200, 100], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [77, 76]];

        AssertSameLogits(Decode(plain, prompts, steps: 25), Decode(managed, prompts, steps: 25));
    }

    [Fact]
    public void A_row_with_padding_on_its_left_attends_past_it_as_libtorchs_operations_do()
    {
        using var managed = Model(Config("Qwen2ForCausalLM"), "decoding");
        using var plain = Model(Config("Qwen2ForCausalLM"), "0");
        long[][] prompt = [[5, 6, 7, 200]];

        AssertSameLogits(Decode(plain, prompt, steps: 12, padding: 3), Decode(managed, prompt, steps: 12, padding: 3));
    }

    [Fact]
    public void A_token_outside_the_vocabulary_is_refused_by_name()
    {
        using var managed = Model(Config("LlamaForCausalLM"), "decoding");
        using var noGrad = no_grad();
        var caches = Enumerable.Range(0, managed.Config.NumHiddenLayers).Select(_ => new LayerCache()).ToList();
        managed.Forward(tensor(new long[] { 1, 2 }).view(1, 2), tensor(new long[] { 0, 1 }).view(1, 2),
            ones(1, 1, 2, 2, dtype: ScalarType.Bool).tril(), caches);

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => managed.Forward(tensor(new long[] { 300 }).view(1, 1),
            tensor(new long[] { 2 }).view(1, 1), ones(1, 1, 1, 3, dtype: ScalarType.Bool), caches));
        Assert.Contains("token 300", refused.Message);
    }

    [Fact]
    public void Generation_past_the_caches_headroom_gives_the_texts_of_libtorchs_operations()
    {
        // More new tokens than a cache's spare room, so its buffers grow under the kernel.
        var config = LlamaConfig.TinyByteLevel with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 256 };
        using var managed = Model(config, "decoding");
        using var plain = Model(config, "0");
        var options = new SamplingOptions { MaxNewTokens = 150, Temperature = 0, IgnoreEos = true };

        string[] prompts = ["The cache grows", "under three rows", "of different lengths"];
        var expected = new TextGenerator(plain, new ByteTokenizer()).CompleteAll(prompts, options);
        var actual = new TextGenerator(managed, new ByteTokenizer()).CompleteAll(prompts, options);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_model_with_adapters_attached_decodes_as_libtorchs_operations_do()
    {
        using var managed = Model(Config("LlamaForCausalLM"), "decoding");
        using var plain = Model(Config("LlamaForCausalLM"), "0");
        foreach (var model in new[] { managed, plain })
        {
            manual_seed(3);
            using var noGrad = no_grad();
            foreach (var parameter in model.AttachLora(4, 8, ["q_proj", "down_proj"]))
                parameter.normal_(0, 0.3);
        }

        AssertSameLogits(Decode(plain, [[1, 2, 3], [4, 5]], steps: 10), Decode(managed, [[1, 2, 3], [4, 5]], steps: 10), bothLibtorch: true);
    }

    /// <summary>The model with every weight rounded to bfloat16, as a checkpoint stored in bfloat16 holds it.</summary>
    private static LlamaForCausalLM InBFloat16Values(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters())
            parameter.copy_(parameter.to(ScalarType.BFloat16).to(ScalarType.Float32));
        return model;
    }

    [Theory]
    [InlineData("LlamaForCausalLM", 1)]
    [InlineData("Qwen2ForCausalLM", 1)]
    [InlineData("Qwen2ForCausalLM", 2)]
    [InlineData("LlamaForCausalLM", 3)]
    [InlineData("Qwen2ForCausalLM", 5)]
    [InlineData("LlamaForCausalLM", 8)]
    [InlineData("Qwen2ForCausalLM", 10)]
    public void A_model_held_in_bfloat16_values_decodes_from_half_width_copies_with_the_logits_of_libtorchs_operations(string architecture, int rows)
    {
        using var managed = InBFloat16Values(Model(Config(architecture), "decoding"));
        using var plain = InBFloat16Values(Model(Config(architecture), "0"));
        long[][] prompts = [.. new long[][]
        {
            [1, 17, 250, 3, 99, 42, 8], [5], [9, 9, 9], [200, 100], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [77, 76], [4, 4], [31, 32, 33], [150], [60, 61, 62, 63],
        }.Take(rows)];

        AssertSameLogits(Decode(plain, prompts, steps: 25), Decode(managed, prompts, steps: 25));
        Assert.True(managed.DecodesFromBFloat16);
    }

    [Fact]
    public void A_model_held_in_bfloat16_values_generates_the_texts_of_libtorchs_operations()
    {
        var config = LlamaConfig.TinyByteLevel with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 256 };
        using var managed = InBFloat16Values(Model(config, "decoding"));
        using var plain = InBFloat16Values(Model(config, "0"));
        var options = new SamplingOptions { MaxNewTokens = 60, Temperature = 0, IgnoreEos = true };

        foreach (string[] prompts in new string[][] { ["One answer alone"], ["Three answers", "read half", "the bytes"], ["Nine", "answers", "read", "half", "the", "bytes", "up", "to", "eight"] })
            Assert.Equal(new TextGenerator(plain, new ByteTokenizer()).CompleteAll(prompts, options),
                new TextGenerator(managed, new ByteTokenizer()).CompleteAll(prompts, options));
        Assert.True(managed.DecodesFromBFloat16);
    }

    [Fact]
    public void A_model_in_float32_values_decodes_from_its_own_weights()
    {
        using var managed = Model(Config("LlamaForCausalLM"), "decoding");

        Decode(managed, [[1, 2, 3]], steps: 2);

        Assert.False(managed.DecodesFromBFloat16);
    }

    [Fact]
    public void A_model_trained_after_decoding_from_half_width_copies_decodes_its_new_weights()
    {
        using var managed = InBFloat16Values(Model(Config("Qwen2ForCausalLM"), "decoding"));
        using var plain = InBFloat16Values(Model(Config("Qwen2ForCausalLM"), "0"));
        long[][] prompt = [[1, 17, 250, 3]];
        Decode(managed, prompt, steps: 3);
        Assert.True(managed.DecodesFromBFloat16);

        var data = new List<(int[] Prompt, int[] Answer)> { ([1, 17, 250], [3, 99, 42, 8]), ([5, 6], [7, 200, 9]) };
        foreach (var model in new[] { managed, plain })
            new SftTrainer(new TrainingOptions { Epochs = 2, BatchSize = 2, LearningRate = 0.05, Seed = 1, Precision = Lion.Core.Config.TrainingPrecision.Float32 }).Train(model, data, CancellationToken.None);

        AssertSameLogits(Decode(plain, prompt, steps: 10), Decode(managed, prompt, steps: 10));
        Assert.False(managed.DecodesFromBFloat16);
    }
}
