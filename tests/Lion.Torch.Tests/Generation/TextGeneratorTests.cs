using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Generation;

public sealed class TextGeneratorTests
{
    private static readonly ByteTokenizer Tokenizer = new();

    private static LlamaForCausalLM RandomModel(int eos = ByteTokenizer.Eos)
    {
        manual_seed(11);
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 256, EosTokenId = eos });
    }

    /// <summary>Greedy decoding the plain way: the whole sequence through the training forward pass at every step.</summary>
    private static string Reference(LlamaForCausalLM model, string prompt, int maxNew)
    {
        var tokens = new List<long> { ByteTokenizer.Bos };
        tokens.AddRange(Tokenizer.Encode(prompt).Select(t => (long)t));
        var generated = new List<int>();
        using var noGrad = no_grad();
        for (int i = 0; i < maxNew; i++)
        {
            using var logits = model.forward(tensor(tokens.ToArray()).unsqueeze(0));
            int next = (int)logits[0, tokens.Count - 1].argmax().item<long>();
            if (next == ByteTokenizer.Eos)
                break;
            generated.Add(next);
            tokens.Add(next);
        }
        return Tokenizer.Decode(generated);
    }

    [Fact]
    public void Batched_cached_greedy_decoding_equals_the_plain_recomputation_for_every_prompt()
    {
        using var model = RandomModel();
        string[] prompts = ["a", "Sort these words", "True and not False is", "12 + 30 ="];
        var options = new SamplingOptions { MaxNewTokens = 24 };

        var batched = new TextGenerator(model, Tokenizer).CompleteAll(prompts, options);

        Assert.Equal(prompts.Select(p => Reference(model, p, 24)), batched.Select(b => b.Text));
    }

    [Fact]
    public void Ignoring_the_end_of_sequence_token_a_row_decodes_to_its_token_limit()
    {
        const string prompt = "Sort these words";
        int first;
        using (var model = RandomModel())
            first = Tokenizer.Encode(new TextGenerator(model, Tokenizer).Complete(prompt, new SamplingOptions { MaxNewTokens = 1 }).Text)[0];
        // The same weights, with the token they say first as their end of sequence.
        using var ending = RandomModel(eos: first);
        var generator = new TextGenerator(ending, Tokenizer);

        var stopped = generator.Complete(prompt, new SamplingOptions { MaxNewTokens = 12 });
        var ignored = generator.Complete(prompt, new SamplingOptions { MaxNewTokens = 12, IgnoreEos = true });

        Assert.Equal(("", ChatFinishReason.Stop), stopped);
        Assert.Equal(ChatFinishReason.Length, ignored.FinishReason);
        Assert.Equal(12, Tokenizer.Encode(ignored.Text).Length);
    }

    [Fact]
    public void A_prompt_gets_the_same_answer_alone_or_in_a_batch()
    {
        using var model = RandomModel();
        var generator = new TextGenerator(model, Tokenizer);
        var options = new SamplingOptions { Temperature = 0.8, MaxNewTokens = 16, Seed = 3 };

        var alone = generator.Complete("Sort these words", options);
        var together = generator.CompleteAll(["x", "Sort these words", "a much longer prompt than the others"], options);

        Assert.Equal(alone, together[1]);
    }

    [Fact]
    public void Decoding_stops_at_a_stop_string_and_says_so()
    {
        using var model = RandomModel();
        var generator = new TextGenerator(model, Tokenizer);
        var free = generator.Complete("abc", new SamplingOptions { MaxNewTokens = 12 });
        Assert.True(free.Text.Length >= 3, "the random model should say something");
        string stop = free.Text.Substring(1, 2);

        var stopped = generator.Complete("abc", new SamplingOptions { MaxNewTokens = 12, Stop = [stop] });

        Assert.Equal((free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)], ChatFinishReason.Stop), stopped);
    }
}
