using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Lion.Core;
using Lion.Endpoint;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Store;
using Lion.Testing;
using Microsoft.Extensions.AI;

namespace Lion.Bench;

/// <summary>
/// The teacher gateway against the project's endpoint on loopback, as a provider behaves on a
/// bad day: 200–800 ms per reply, 5 % of requests failing with 429 (Retry-After 1 s), 500 or
/// 503, and a limit of 3,000 requests a minute that the endpoint itself enforces. Enough
/// workers to offer about twice the limit. Reports how close the gateway runs to the limit
/// (upstream calls a minute, which is what the provider counts), whether any request was lost
/// or paid twice, and request latency under that load.
/// </summary>
internal static class GatewayBenchmark
{
    public static int Run(string[] args)
    {
        int requests = args.Length > 0 ? int.Parse(args[0]) : 3000;
        const int LimitRpm = 3000;
        const int Workers = 48;
        return RunAsync(requests, LimitRpm, Workers).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int requests, int limitRpm, int workers)
    {
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-gateway-{Environment.ProcessId}");
        var faults = new FaultPlan
        {
            MinLatency = TimeSpan.FromMilliseconds(200),
            MaxLatency = TimeSpan.FromMilliseconds(800),
            RateLimited = 0.025,
            ServerError = 0.015,
            Unavailable = 0.010,
            RetryAfter = TimeSpan.FromSeconds(1),
            EnforcedRequestsPerMinute = limitRpm,
            Seed = 2305,
        };
        await using var server = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["teacher-model"] }, faults);
        RunFolder.Create(work, new SeedFile("bench", SeedFormat.PlainText, [new InstructionRecord("Seed.")]), new RunSetup());
        try
        {
            using var store = RunStore.Open(work);
            var settings = new GatewaySettings(new EndpointSettings(server.BaseUrl, "LION_BENCH_NO_KEY"),
                new Dictionary<Role, string> { [Role.Teacher] = "teacher-model" })
            {
                Limits = new RateLimits(RequestsPerMinute: limitRpm, TokensPerMinute: 10_000_000, MaxConcurrency: 256),
                DefaultMaxOutputTokens = 256,
            };
            var teacher = new TeacherGateway(settings, store.Gateway).For(Role.Teacher);

            var latencies = new ConcurrentBag<double>();
            int lost = 0, next = -1;
            var clock = Stopwatch.StartNew();
            var progress = Task.Run(async () =>
            {
                while (Volatile.Read(ref next) < requests)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10));
                    Console.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {latencies.Count} answered, {server.Log.Received} upstream calls");
                }
            });
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await teacher.GetResponseAsync([new ChatMessage(ChatRole.User, $"Instruction number {i}: explain something.")],
                            new ChatOptions { Temperature = 0.7f, MaxOutputTokens = 256 });
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    catch (Exception error)
                    {
                        Interlocked.Increment(ref lost);
                        Console.Error.WriteLine($"lost request {i}: {error.Message}");
                    }
                }
            }));
            double seconds = clock.Elapsed.TotalSeconds;
            await progress;

            var sorted = latencies.Order().ToArray();
            int upstream = server.Log.Received;
            double achieved = upstream / seconds * 60;
            var failures = store.Summary.Overview().RemoteFailuresByKind;
            Console.WriteLine($"{requests} requests in {seconds:F1} s; failures retried: {string.Join(", ", failures.Select(f => $"{f.Key} {f.Value}"))}");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "gateway",
                limit_rpm = limitRpm,
                achieved_rpm = Math.Round(achieved),
                ratio = Math.Round(achieved / limitRpm, 3),
                answered_rpm = Math.Round(sorted.Length / seconds * 60),
                requests,
                upstream_calls = upstream,
                injected_faults = upstream - server.Log.DistinctAnswered - server.Log.OverLimit,
                over_limit_429s = server.Log.OverLimit,
                lost,
                duplicate_upstream_calls = server.Log.RepeatsOfAnswered,
                p50_ms = Math.Round(Percentile(sorted, 0.50)),
                p99_ms = Math.Round(Percentile(sorted, 0.99)),
                seconds = Math.Round(seconds, 1),
                workers,
            }));
            return lost == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
