using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Generation;

public sealed class DecodingBatchTests
{
    private static readonly ByteTokenizer Tokenizer = new();
    private static readonly SamplingOptions Greedy = new() { MaxNewTokens = 20 };

    private static LlamaForCausalLM RandomModel()
    {
        manual_seed(12);
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 256 });
    }

    private static string Alone(LlamaForCausalLM model, string prompt, SamplingOptions options) =>
        new TextGenerator(model, Tokenizer).Complete(prompt, options).Text;

    private static void RunToEnd(DecodingBatch batch)
    {
        for (batch.Remove(r => r.FinishReason is not null); batch.Rows.Count > 0; batch.Remove(r => r.FinishReason is not null))
            batch.Step();
    }

    [Fact]
    public void A_row_that_joins_mid_decoding_answers_as_it_would_alone()
    {
        using var model = RandomModel();
        using var batch = new DecodingBatch(model, Tokenizer);
        var early = batch.Row("a short one", Greedy);
        var late = batch.Row("a prompt that is much longer than the first", Greedy);
        var later = batch.Row("x", Greedy);

        batch.Admit([early]);
        for (int i = 0; i < 5; i++)
            batch.Step();
        batch.Admit([late]);
        batch.Step();
        batch.Admit([later]);
        RunToEnd(batch);

        Assert.Equal(Alone(model, "a short one", Greedy), early.Text);
        Assert.Equal(Alone(model, "a prompt that is much longer than the first", Greedy), late.Text);
        Assert.Equal(Alone(model, "x", Greedy), later.Text);
    }

    [Fact]
    public void A_row_taken_out_early_leaves_the_others_answers_unchanged()
    {
        using var model = RandomModel();
        using var batch = new DecodingBatch(model, Tokenizer);
        var leaving = batch.Row("a much longer prompt that will be cancelled", Greedy);
        var staying = batch.Row("stay", Greedy);
        batch.Admit([leaving, staying]);
        batch.Step();

        var removed = batch.Remove(r => r == leaving);
        RunToEnd(batch);

        Assert.Equal([leaving], removed);
        Assert.Equal(Alone(model, "stay", Greedy), staying.Text);
    }

    [Fact]
    public void Rows_with_different_sampling_options_keep_their_own()
    {
        using var model = RandomModel();
        using var batch = new DecodingBatch(model, Tokenizer);
        var sampled = new SamplingOptions { Temperature = 0.9, TopP = 0.9, MaxNewTokens = 12, Seed = 5 };
        var shortGreedy = new SamplingOptions { MaxNewTokens = 3 };
        var a = batch.Row("same prompt", sampled);
        var b = batch.Row("same prompt", shortGreedy);

        batch.Admit([a, b]);
        RunToEnd(batch);

        Assert.Equal(Alone(model, "same prompt", sampled), a.Text);
        Assert.Equal(Alone(model, "same prompt", shortGreedy), b.Text);
        Assert.True(b.Generated.Count <= 3);
    }

    [Fact]
    public void A_prompt_longer_than_the_model_context_finishes_at_once_for_length()
    {
        using var model = RandomModel();
        using var batch = new DecodingBatch(model, Tokenizer);
        var row = batch.Row(new string('z', 300), Greedy);

        batch.Admit([row]);

        Assert.Equal(ChatFinishReason.Length, row.FinishReason);
        Assert.Empty(row.Generated);
    }
}
