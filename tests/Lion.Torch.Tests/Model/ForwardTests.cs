using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class ForwardTests
{
    private static LlamaForCausalLM Tiny()
    {
        manual_seed(1);
        return new LlamaForCausalLM(new LlamaConfig
        {
            VocabSize = 40, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        });
    }

    [Fact]
    public void Logits_have_one_row_per_position_and_token()
    {
        using var model = Tiny();

        using var logits = model.forward(tensor(new long[,] { { 1, 5, 7, 9 } }));

        Assert.Equal(new long[] { 1, 4, 40 }, logits.shape);
    }

    [Fact]
    public void A_position_never_sees_the_tokens_after_it()
    {
        using var model = Tiny();

        using var short_ = model.forward(tensor(new long[,] { { 1, 5, 7 } }));
        using var long_ = model.forward(tensor(new long[,] { { 1, 5, 7, 30, 2 } }));

        Assert.True(allclose(short_, long_.narrow(1, 0, 3), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void The_loss_counts_only_labelled_positions()
    {
        using var model = Tiny();
        using var tokens = tensor(new long[,] { { 1, 5, 7, 9 } });

        using var all = model.Loss(tokens, tensor(new long[,] { { 1, 5, 7, 9 } }));
        using var answerOnly = model.Loss(tokens, tensor(new long[,] { { -100, -100, 7, 9 } }));

        Assert.NotEqual(all.item<float>(), answerOnly.item<float>());
        Assert.True(answerOnly.item<float>() > 0);
    }

    [Fact]
    public void The_answer_only_loss_is_the_mean_cross_entropy_of_the_full_logits_at_the_labelled_positions()
    {
        using var model = Tiny();
        using var tokens = tensor(new long[,] { { 1, 5, 7, 9, 3 }, { 2, 4, 6, 8, 10 } });

        using var loss = model.Loss(tokens, tensor(new long[,] { { -100, -100, 7, 9, -100 }, { -100, -100, -100, -100, 10 } }));

        // Next-token targets: row 0 predicts 7 at position 1 and 9 at position 2; row 1 predicts 10 at position 3.
        using var logits = model.forward(tokens);
        using var logProbabilities = nn.functional.log_softmax(logits, -1);
        double expected = -(logProbabilities[0, 1, 7].item<float>() + logProbabilities[0, 2, 9].item<float>() + logProbabilities[1, 3, 10].item<float>()) / 3;
        Assert.Equal(expected, loss.item<float>(), 4);
    }
}
