using LLama;
using LLama.Common;
using LLama.Native;
using Lion.Tests;
using Lion.Torch.Export;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Export;

/// <summary>
/// llama.cpp (through LLamaSharp) is the independent check of the model: a random-weight student
/// exported to GGUF must give the same next-token log-probabilities and the same greedy text.
/// </summary>
public sealed class GgufParityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A random student of the architecture; a Qwen2 one's q/k/v biases random too (they start at zero), so a bias lost on the way shows.</summary>
    private static LlamaForCausalLM RandomModel(string architecture = "LlamaForCausalLM")
    {
        manual_seed(5);
        var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel with
        {
            HiddenSize = 64, IntermediateSize = 160, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 128,
            Architecture = architecture,
        });
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.EndsWith(".bias", StringComparison.Ordinal)))
            parameter.normal_(0, 0.5);
        return model;
    }

    public static TheoryData<string> Architectures => ["LlamaForCausalLM", "Qwen2ForCausalLM"];

    private static int[] Prompt() => [ByteTokenizer.Bos, .. new ByteTokenizer().Encode("Sort the following words: pear fig")];

    private static (LLamaWeights, LLamaContext) Llama(string path)
    {
        var parameters = new ModelParams(path) { ContextSize = 128, BatchSize = 128, Threads = 2, GpuLayerCount = 0 };
        var weights = LLamaWeights.LoadFromFile(parameters);
        return (weights, weights.CreateContext(parameters));
    }

    private static float[] LogSoftmax(ReadOnlySpan<float> logits)
    {
        double max = double.MinValue;
        foreach (var l in logits) max = Math.Max(max, l);
        double sum = 0;
        foreach (var l in logits) sum += Math.Exp(l - max);
        double log = Math.Log(sum) + max;
        var result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++) result[i] = (float)(logits[i] - log);
        return result;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Llama_cpp_gives_the_same_next_token_log_probabilities(string architecture)
    {
        using var model = RandomModel(architecture);
        string path = _folder.File("student.gguf");
        GgufExport.Write(model, path);
        var prompt = Prompt();

        using var ours = nn.functional.log_softmax(model.forward(tensor(prompt.Select(t => (long)t).ToArray()).unsqueeze(0)), -1);
        var (weights, context) = Llama(path);
        using (weights)
        using (context)
        {
            var batch = new LLamaBatch();
            for (int i = 0; i < prompt.Length; i++)
                batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: true);
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));

            double worst = 0;
            for (int i = 0; i < prompt.Length; i++)
            {
                var theirs = LogSoftmax(context.NativeHandle.GetLogitsIth(i));
                var mine = ours[0, i].data<float>().ToArray();
                worst = Math.Max(worst, mine.Zip(theirs).Max(p => Math.Abs(p.First - p.Second)));
            }
            Assert.True(worst <= 1e-3, $"largest log-probability difference {worst}");
            Assert.True(worst > 0, "identical to the last bit is suspicious: were both sides computed?");
        }
    }

    [Theory]
    [InlineData(GgufType.F16)]
    [InlineData(GgufType.BF16)]
    public void A_half_width_export_is_half_the_size_and_still_close(GgufType type)
    {
        using var model = RandomModel();
        string single = _folder.File("f32.gguf"), half = _folder.File($"{type}.gguf");
        GgufExport.Write(model, single);
        GgufExport.Write(model, half, type);
        var prompt = Prompt();

        using var ours = nn.functional.log_softmax(model.forward(tensor(prompt.Select(t => (long)t).ToArray()).unsqueeze(0)), -1);
        var (weights, context) = Llama(half);
        using (weights)
        using (context)
        {
            var batch = new LLamaBatch();
            for (int i = 0; i < prompt.Length; i++)
                batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
            var theirs = LogSoftmax(context.NativeHandle.GetLogitsIth(prompt.Length - 1));
            var mine = ours[0, prompt.Length - 1].data<float>().ToArray();
            Assert.True(mine.Zip(theirs).Max(p => Math.Abs(p.First - p.Second)) <= 2e-2);
        }
        Assert.InRange(new FileInfo(half).Length, new FileInfo(single).Length * 0.45, new FileInfo(single).Length * 0.6);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Llama_cpp_continues_greedily_with_the_same_32_tokens(string architecture)
    {
        using var model = RandomModel(architecture);
        string path = _folder.File("student.gguf");
        GgufExport.Write(model, path);
        var prompt = Prompt();

        var tokenizer = new ByteTokenizer();
        var ours = new TextGenerator(model, tokenizer).Complete(tokenizer.Decode(prompt), new SamplingOptions { MaxNewTokens = 32 });

        var (weights, context) = Llama(path);
        var theirs = new List<int>();
        using (weights)
        using (context)
        {
            var batch = new LLamaBatch();
            for (int i = 0; i < prompt.Length; i++)
                batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            int position = prompt.Length;
            for (int step = 0; step < 32; step++)
            {
                Assert.Equal(DecodeResult.Ok, context.Decode(batch));
                var logits = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1);
                int best = 0;
                for (int t = 1; t < logits.Length; t++)
                    if (logits[t] > logits[best]) best = t;
                if (best == ByteTokenizer.Eos)
                    break;
                theirs.Add(best);
                batch.Clear();
                batch.Add((LLamaToken)best, position++, LLamaSeqId.Zero, logits: true);
            }
        }
        Assert.True(theirs.Count >= 16, $"only {theirs.Count} tokens before EOS: too short to compare");
        Assert.Equal(ours.Text, tokenizer.Decode(theirs));
    }
}
