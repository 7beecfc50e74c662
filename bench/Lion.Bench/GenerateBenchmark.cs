using System.Diagnostics;
using System.Text.Json;
using LLama;
using LLama.Common;
using LLama.Native;
using Lion.Torch.Export;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// Decoding speed of a demo-size student: 64 prompts × 64 new tokens, greedy, with our batched
/// KV-cached decoder and with llama.cpp (through LLamaSharp) on the same weights exported as F32
/// GGUF, the same threads, all 64 sequences decoded in one batch per step (its best batching).
/// Tokens per second count the tokens each side actually generated.
/// </summary>
internal static class GenerateBenchmark
{
    private const int Prompts = 64;
    private const int NewTokens = 64;

    public static int Run(string[] args)
    {
        // llama.cpp's load-time chatter would bury the results.
        NativeLibraryConfig.All.WithLogCallback((_, _) => { });
        var config = LlamaConfig.SmallByteLevel;
        manual_seed(1);
        using var model = new LlamaForCausalLM(config);
        var tokenizer = new ByteTokenizer();
        var random = new Random(3);
        var family = Oracle.Oracle.Family("web_of_lies");
        var prompts = Enumerable.Range(0, Prompts).Select(_ => family.Generate(random, 3, "chain").Input).ToList();
        int threads = get_num_threads();
        Console.WriteLine($"model {model.parameters().Sum(p => p.numel()):N0} parameters; {Prompts} prompts of about {prompts.Average(p => p.Length):F0} bytes; {threads} threads");

        var ours = Median.Of(Enumerable.Range(0, 3).Select(_ => Ours(model, tokenizer, prompts)).ToList());
        string path = Path.Combine(Path.GetTempPath(), $"lion-bench-{Environment.ProcessId}.gguf");
        try
        {
            GgufExport.Write(model, path);
            var encoded = prompts.Select(p => (int[])[ByteTokenizer.Bos, .. tokenizer.Encode(p)]).ToList();
            var theirs = Median.Of(Enumerable.Range(0, 3).Select(_ => LlamaCpp(path, encoded, NewTokens, ByteTokenizer.Eos, threads).WithPrompt).ToList());
            Console.WriteLine($"ours {ours:N0} tokens/s, llama.cpp {theirs:N0} tokens/s");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "generate",
                prompts = Prompts,
                new_tokens = NewTokens,
                tokens_per_s = Math.Round(ours),
                llama_cpp_tokens_per_s = Math.Round(theirs),
                ratio = Math.Round(ours / theirs, 3),
                threads,
            }));
        }
        finally
        {
            File.Delete(path);
        }
        return 0;
    }

    private static double Ours(LlamaForCausalLM model, ByteTokenizer tokenizer, List<string> prompts)
    {
        var clock = Stopwatch.StartNew();
        var answers = new TextGenerator(model, tokenizer).CompleteAll(prompts, new SamplingOptions { MaxNewTokens = NewTokens });
        double seconds = clock.Elapsed.TotalSeconds;
        long tokens = answers.Sum(a => tokenizer.Encode(a.Text).Length + (a.FinishReason == ChatFinishReason.Stop ? 1 : 0));
        return tokens / seconds;
    }

    /// <summary>
    /// llama.cpp's greedy decoding of <paramref name="encoded"/> (BOS included), all sequences in one
    /// batch per step, up to <paramref name="newTokens"/> each or <paramref name="eos"/>: tokens per
    /// second with the prompts' reading counted, and of the decoding steps alone (the tokens after
    /// each sequence's first, over the time after the prompts were read: llama-bench's "tg").
    /// </summary>
    internal static (double WithPrompt, double Decoding) LlamaCpp(string path, IReadOnlyList<int[]> encoded, int newTokens, int eos, int threads)
    {
        int sequences = encoded.Count;
        int context = encoded.Sum(e => e.Length + newTokens) + 64;
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)context, BatchSize = (uint)context, UBatchSize = 512, SeqMax = (uint)sequences,
            Threads = threads, BatchThreads = threads, GpuLayerCount = 0,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var ctx = weights.CreateContext(parameters);

        var clock = Stopwatch.StartNew();
        var batch = new LLamaBatch();
        var lastIndex = new int[sequences];
        for (int s = 0; s < sequences; s++)
            for (int i = 0; i < encoded[s].Length; i++)
            {
                batch.Add((LLamaToken)encoded[s][i], i, (LLamaSeqId)s, logits: i == encoded[s].Length - 1);
                if (i == encoded[s].Length - 1) lastIndex[s] = batch.TokenCount - 1;
            }
        var done = new bool[sequences];
        var positions = encoded.Select(e => e.Length).ToArray();
        long generated = 0;
        TimeSpan promptRead = default;
        for (int step = 0; step < newTokens && done.Any(d => !d); step++)
        {
            if (ctx.Decode(batch) != DecodeResult.Ok)
                throw new InvalidOperationException("llama.cpp could not decode the batch");
            if (step == 0)
                promptRead = clock.Elapsed;
            var next = new (int Seq, int Token)[sequences];
            int count = 0;
            for (int s = 0; s < sequences; s++)
            {
                if (done[s]) continue;
                var logits = ctx.NativeHandle.GetLogitsIth(lastIndex[s]);
                int best = 0;
                for (int t = 1; t < logits.Length; t++)
                    if (logits[t] > logits[best]) best = t;
                generated++;
                if (best == eos) { done[s] = true; continue; }
                next[count++] = (s, best);
            }
            batch.Clear();
            for (int i = 0; i < count; i++)
            {
                var (s, token) = next[i];
                batch.Add((LLamaToken)token, positions[s]++, (LLamaSeqId)s, logits: true);
                lastIndex[s] = i;
            }
            if (count == 0) break;
        }
        var elapsed = clock.Elapsed;
        return (generated / elapsed.TotalSeconds, (generated - sequences) / (elapsed - promptRead).TotalSeconds);
    }
}
