using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Cli.Serving;
using Lion.Core.Prompts;
using Lion.Testing;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using static TorchSharp.torch;

namespace Lion.Bench;

/// <summary>
/// `lion serve` under load: a demo-size student (random weights) behind the endpoint on loopback,
/// the same composition the command builds, max batch 16. First one client sends its requests
/// one after another; then 16 clients send 64 requests in all. Each request asks for 64 greedy
/// tokens of a web-of-lies question; tokens per second count the completion tokens the server
/// reported. The two loads alternate for three rounds, so a shared machine's slow spells fall on
/// both; figures are medians over the rounds, and batched_speedup is the median of each round's
/// tokens/s with 16 clients over tokens/s with one.
/// </summary>
internal static class ServeBenchmark
{
    private const int Clients = 16;
    private const int Requests = 64;
    private const int SoloRequests = 16;
    private const int MaxTokens = 64;
    private const int Rounds = 3;

    public static int Run(string[] args)
    {
        var config = LlamaConfig.SmallByteLevel;
        manual_seed(1);
        using var model = new LlamaForCausalLM(config);
        using var batcher = new ContinuousBatcher(model, new ByteTokenizer(), maxBatch: Clients);
        var random = new Random(5);
        var family = Oracle.Oracle.Family("web_of_lies");
        var questions = Enumerable.Range(0, Requests).Select(_ => family.Generate(random, 3, "chain").Input).ToList();
        Console.WriteLine($"model {model.parameters().Sum(p => p.numel()):N0} parameters; {get_num_threads()} threads; "
                          + $"{MaxTokens} tokens a request; questions of about {questions.Average(q => q.Length):F0} bytes");

        return RunAsync(batcher, questions).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(ContinuousBatcher batcher, List<string> questions)
    {
        await using var server = await TestEndpoint.StartAsync(new StudentChatClient(batcher, PromptFormat.Plain),
            new ChatServerOptions { Models = ["student"], MaxConcurrentRequests = 4 * Clients });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        await Load(http, questions.Take(4).ToList(), clients: 1);
        var solos = new List<LoadResult>();
        var loads = new List<LoadResult>();
        var batches = new List<double>();
        for (int round = 1; round <= Rounds; round++)
        {
            var solo = await Load(http, questions.Take(SoloRequests).ToList(), clients: 1);
            var (stepsBefore, rowsBefore) = batcher.Work;
            var loaded = await Load(http, questions, Clients);
            var (steps, rows) = batcher.Work;
            batches.Add((double)(rows - rowsBefore) / (steps - stepsBefore));
            Console.WriteLine($"round {round}: 1 client {solo.TokensPerSecond:F0} tokens/s; {Clients} clients {loaded.TokensPerSecond:F0} tokens/s, "
                              + $"{loaded.RequestsPerSecond:F1} requests/s, p50 {loaded.P50:F0} ms, p99 {loaded.P99:F0} ms, mean batch {batches[^1]:F1}");
            solos.Add(solo);
            loads.Add(loaded);
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "serve",
            clients = Clients,
            requests = questions.Count,
            max_tokens = MaxTokens,
            rounds = Rounds,
            requests_per_s = Math.Round(Median.Of(loads.Select(l => l.RequestsPerSecond).ToList()), 2),
            tokens_per_s = Math.Round(Median.Of(loads.Select(l => l.TokensPerSecond).ToList())),
            p50_ms = Math.Round(Median.Of(loads.Select(l => l.P50).ToList())),
            p99_ms = Math.Round(Median.Of(loads.Select(l => l.P99).ToList())),
            single_client_tokens_per_s = Math.Round(Median.Of(solos.Select(l => l.TokensPerSecond).ToList())),
            batched_speedup = Math.Round(Median.Of(loads.Zip(solos, (l, s) => l.TokensPerSecond / s.TokensPerSecond).ToList()), 2),
            mean_batch = Math.Round(Median.Of(batches), 1),
            threads = get_num_threads(),
        }));
        return 0;
    }

    private sealed record LoadResult(double TokensPerSecond, double RequestsPerSecond, double P50, double P99);

    /// <summary><paramref name="clients"/> clients take the questions in turn, each sending its next one when the last is answered.</summary>
    private static async Task<LoadResult> Load(HttpClient http, List<string> questions, int clients)
    {
        int next = -1;
        long tokens = 0;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < questions.Count; i = Interlocked.Increment(ref next))
            {
                var started = clock.Elapsed;
                using var response = await http.PostAsJsonAsync("chat/completions", new
                {
                    model = "student",
                    messages = new[] { new { role = "user", content = questions[i] } },
                    max_tokens = MaxTokens,
                    temperature = 0,
                });
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Interlocked.Add(ref tokens, body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64());
                lock (latencies)
                    latencies.Add((clock.Elapsed - started).TotalMilliseconds);
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToList();
        return new LoadResult(tokens / seconds, questions.Count / seconds, Percentile(sorted, 0.5), Percentile(sorted, 0.99));
    }

    private static double Percentile(List<double> sorted, double share) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(share * sorted.Count) - 1)];
}
