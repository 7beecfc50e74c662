using System.Text;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Generation;

public sealed class ContinuousBatcherTests : IDisposable
{
    private static readonly ByteTokenizer Tokenizer = new();
    private readonly LlamaForCausalLM _model;

    public ContinuousBatcherTests()
    {
        manual_seed(13);
        _model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 256 });
    }

    public void Dispose() => _model.Dispose();

    private static async Task<(string Text, GenerationUpdate Last)> Collect(IAsyncEnumerable<GenerationUpdate> updates)
    {
        var text = new StringBuilder();
        GenerationUpdate? last = null;
        await foreach (var update in updates)
        {
            text.Append(update.Delta);
            last = update;
        }
        return (text.ToString(), last!);
    }

    [Fact]
    public async Task Concurrent_requests_are_decoded_together_and_each_gets_its_own_answer()
    {
        using var batcher = new ContinuousBatcher(_model, Tokenizer, maxBatch: 8);
        string[] prompts = ["one", "two words", "a third, longer prompt", "4", "five five", "six", "seven!", "eight"];
        var options = new SamplingOptions { MaxNewTokens = 24 };

        var answers = await Task.WhenAll(prompts.Select(p => Collect(batcher.Generate(p, options))));

        var alone = new TextGenerator(_model, Tokenizer);
        Assert.Equal(prompts.Select(p => alone.Complete(p, options).Text), answers.Select(a => a.Text));
        var (steps, rows) = batcher.Work;
        Assert.True(rows > 2 * steps, $"mean batch {(double)rows / steps:F1}: the requests were not decoded together");
    }

    [Fact]
    public async Task The_last_update_says_why_it_finished_and_counts_the_tokens()
    {
        using var batcher = new ContinuousBatcher(_model, Tokenizer, maxBatch: 4);

        var options = new SamplingOptions { MaxNewTokens = 5 };

        var (_, last) = await Collect(batcher.Generate("count me", options));

        using var alone = new DecodingBatch(_model, Tokenizer);
        var row = alone.Row("count me", options);
        alone.Admit([row]);
        for (alone.Remove(r => r.FinishReason is not null); alone.Rows.Count > 0; alone.Remove(r => r.FinishReason is not null))
            alone.Step();
        Assert.Equal(("count me".Length + 1, row.Generated.Count, row.FinishReason), (last.PromptTokens, last.CompletionTokens, last.FinishReason));
    }

    [Fact]
    public async Task Streamed_text_never_shows_a_stop_string_and_adds_up_to_the_answer()
    {
        using var batcher = new ContinuousBatcher(_model, Tokenizer, maxBatch: 4);
        var free = new TextGenerator(_model, Tokenizer).Complete("abc", new SamplingOptions { MaxNewTokens = 16 }).Text;
        Assert.True(free.Length >= 6, "the random model should say something");
        var options = new SamplingOptions { MaxNewTokens = 16, Stop = [free.Substring(3, 3)] };

        var (text, last) = await Collect(batcher.Generate("abc", options));

        Assert.Equal(free[..free.IndexOf(free.Substring(3, 3), StringComparison.Ordinal)], text);
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
    }

    [Fact]
    public async Task A_cancelled_request_leaves_the_batch_at_once()
    {
        manual_seed(14);
        using var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel
            with { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, MaxPositionEmbeddings = 1024 });
        var endless = new SamplingOptions { MaxNewTokens = 1000 };
        Assert.Equal(ChatFinishReason.Length, new TextGenerator(model, Tokenizer).Complete("go on", endless).FinishReason);
        using var batcher = new ContinuousBatcher(model, Tokenizer, maxBatch: 4);
        using var cancel = new CancellationTokenSource();
        var updates = batcher.Generate("go on", endless, cancellationToken: cancel.Token).GetAsyncEnumerator(CancellationToken.None);
        var first = updates.MoveNextAsync();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { for (bool more = await first; more; more = await updates.MoveNextAsync()) { } });
        Assert.Equal(0, batcher.Active);
        Assert.True(batcher.Work.Steps < 900, $"{batcher.Work.Steps} steps: decoding went on after the cancel");
    }

    [Fact]
    public async Task Requests_beyond_the_batch_size_wait_their_turn_and_are_still_answered()
    {
        using var batcher = new ContinuousBatcher(_model, Tokenizer, maxBatch: 2);
        var options = new SamplingOptions { MaxNewTokens = 8 };

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Collect(batcher.Generate($"prompt {i}", options))));

        Assert.All(answers, a => Assert.NotNull(a.Last.FinishReason));
        var (steps, rows) = batcher.Work;
        Assert.True(rows <= 2 * steps);
    }
}
