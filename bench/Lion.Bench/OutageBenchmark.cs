using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Testing;

namespace Lion.Bench;

/// <summary>
/// An outage that ends: every endpoint is down (nothing listens on its port) for the first N
/// seconds of a run, then the oracle comes up there. The run must stop with exit code 2 during
/// the outage, with nothing marked done that is not; the same command, run again until it
/// finishes, must end with a store identical to an uninterrupted run's and pay for no answered
/// request twice.
/// </summary>
internal static class OutageBenchmark
{
    public static int Run(string[] args)
    {
        double outageSeconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 45;
        return RunAsync(TimeSpan.FromSeconds(outageSeconds)).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(TimeSpan outage)
    {
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-outage-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            string seeds = OracleRunProcess.WriteSeeds(work);
            string reference;
            int referenceCalls;
            await using (var steady = await OracleRunProcess.Server())
            {
                string whole = Path.Combine(work, "whole");
                using var process = OracleRunProcess.Start(null, "run", "--config",
                    OracleRunProcess.WriteConfig(Path.Combine(work, "whole.json"), steady.BaseUrl), "--seeds", seeds, "--out", whole);
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"the uninterrupted run failed with {process.ExitCode}");
                (reference, referenceCalls) = (OracleRunProcess.Fingerprint(whole), steady.Log.Received);
            }
            Console.WriteLine($"uninterrupted: {referenceCalls} upstream calls");

            int port = FreePort();
            string run = Path.Combine(work, "run");
            string config = OracleRunProcess.WriteConfig(Path.Combine(work, "run.json"), new Uri($"http://127.0.0.1:{port}/v1/"));
            string[] command = ["run", "--config", config, "--seeds", seeds, "--out", run];
            var clock = Stopwatch.StartNew();
            var upAt = Task.Delay(outage);
            TestEndpoint? server = null;
            var exits = new List<(int Code, double Seconds, bool DuringOutage)>();
            var lastError = new StringWriter();
            try
            {
                while (exits.Count < 10)
                {
                    var log = new StringWriter();
                    using var process = OracleRunProcess.Start(log, command);
                    await process.WaitForExitAsync();
                    bool during = server is null;
                    exits.Add((process.ExitCode, clock.Elapsed.TotalSeconds, during));
                    Console.WriteLine($"exit {process.ExitCode} at {clock.Elapsed.TotalSeconds:F1} s ({(during ? "endpoint down" : "endpoint up")})" +
                                      (process.ExitCode == 0 ? "" : ": " + LastLine(log)));
                    if (process.ExitCode == 0)
                        break;
                    if (process.ExitCode != 2)
                        break;
                    // The same command again, as a user (or a scheduler) would: once the endpoint is back it finishes.
                    if (server is null)
                    {
                        await upAt;
                        server = await OracleRunProcess.Server(port);
                        Console.WriteLine($"endpoint up at {clock.Elapsed.TotalSeconds:F1} s");
                    }
                }

                bool stoppedDuringOutage = exits.Count > 1 && exits[0] is { Code: 2, DuringOutage: true };
                bool finished = exits.Count > 0 && exits[^1].Code == 0 && OracleRunProcess.IsDone(run);
                bool identical = finished && OracleRunProcess.Fingerprint(run) == reference;
                int calls = server?.Log.Received ?? 0;
                int repeats = server?.Log.RepeatsOfAnswered ?? 0;
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    benchmark = "outage",
                    outage_seconds = outage.TotalSeconds,
                    exit_codes = exits.Select(e => e.Code),
                    first_exit_seconds = exits.Count > 0 ? Math.Round(exits[0].Seconds, 1) : (double?)null,
                    stopped_with_2_during_outage = stoppedDuringOutage,
                    finished_after_outage = finished,
                    identical_to_uninterrupted = identical,
                    reference_upstream_calls = referenceCalls,
                    upstream_calls_after_outage = calls,
                    repeated_answered_requests = repeats,
                }));
                return stoppedDuringOutage && identical && repeats == 0 ? 0 : 1;
            }
            finally
            {
                if (server is not null)
                    await server.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A loopback port nothing listens on now: connections to it are refused until the oracle takes it.</summary>
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string LastLine(StringWriter log) =>
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
