using System.Diagnostics;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Testing;

namespace Lion.Bench;

/// <summary>
/// The crash test: a small run (the smoke preset's seeds and sizes, teacher, referee and
/// generator served by the oracle over HTTP on loopback) is killed with SIGKILL at random
/// moments and resumed until it finishes. Every resumed run must end with the same data as an
/// uninterrupted one (the store's fingerprint), and the endpoint must have received no more
/// requests than the uninterrupted run plus those in flight at the kill.
/// </summary>
internal static class KillBenchmark
{
    public static int Run(string[] args)
    {
        int trials = args.Length > 0 ? int.Parse(args[0]) : 20;
        return RunAsync(trials).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int trials)
    {
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-kill-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            string seeds = OracleRunProcess.WriteSeeds(work);

            var (reference, referenceCalls, referenceSeconds) = await Whole(work, seeds);
            Console.WriteLine($"uninterrupted: {referenceCalls} upstream calls in {referenceSeconds:F1} s");

            var random = new Random(20);
            int identical = 0, completed = 0, maxExtra = 0, maxRepeats = 0, killed = 0;
            for (int trial = 1; trial <= trials; trial++)
            {
                await using var server = await OracleRunProcess.Server();
                string run = Path.Combine(work, $"trial-{trial}");
                string config = Config(work, server, trial);
                double killAt = 0.05 + random.NextDouble() * referenceSeconds * 0.9;
                // Resuming is running the same command again.
                string[] command = ["run", "--config", config, "--seeds", seeds, "--out", run];
                using (var first = OracleRunProcess.Start(null, command))
                {
                    if (!first.WaitForExit(TimeSpan.FromSeconds(killAt)))
                    {
                        first.Kill(entireProcessTree: true);
                        first.WaitForExit();
                        killed++;
                    }
                }
                int resumes = 0;
                while (true)
                {
                    using var again = OracleRunProcess.Start(null, command);
                    again.WaitForExit();
                    resumes++;
                    if (again.ExitCode == 0 || resumes > 3)
                        break;
                }
                bool done = OracleRunProcess.IsDone(run);
                completed += done ? 1 : 0;
                string fingerprint = OracleRunProcess.Fingerprint(run);
                identical += fingerprint == reference ? 1 : 0;
                int extra = server.Log.Received - referenceCalls;
                maxExtra = Math.Max(maxExtra, extra);
                maxRepeats = Math.Max(maxRepeats, server.Log.RepeatsOfAnswered);
                Console.WriteLine($"trial {trial}: killed at {killAt:F2} s, resumed {resumes}x, done {done}, " +
                                  $"same data {fingerprint == reference}, upstream calls {server.Log.Received} (+{extra}), repeats {server.Log.RepeatsOfAnswered}");
            }

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "kill",
                trials,
                killed_mid_run = killed,
                completed,
                identical_to_uninterrupted = identical,
                reference_upstream_calls = referenceCalls,
                max_extra_upstream_calls = maxExtra,
                max_repeated_answered_requests = maxRepeats,
                in_flight_bound = 8,
            }));
            return completed == trials && identical == trials && maxExtra <= 8 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(string Fingerprint, int Calls, double Seconds)> Whole(string work, string seeds)
    {
        await using var server = await OracleRunProcess.Server();
        string run = Path.Combine(work, "whole");
        var clock = Stopwatch.StartNew();
        using var process = OracleRunProcess.Start(null, "run", "--config", Config(work, server, 0), "--seeds", seeds, "--out", run);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the uninterrupted run failed with {process.ExitCode}");
        return (OracleRunProcess.Fingerprint(run), server.Log.Received, clock.Elapsed.TotalSeconds);
    }

    private static string Config(string work, TestEndpoint server, int trial) =>
        OracleRunProcess.WriteConfig(Path.Combine(work, $"config-{trial}.json"), server.BaseUrl);
}
