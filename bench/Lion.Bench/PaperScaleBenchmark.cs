using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lion.Cli.Commands;
using Lion.Core.Data;
using Microsoft.Data.Sqlite;

namespace Lion.Bench;

/// <summary>
/// The paper's schedule at its scale: 52,000 oracle seeds over all nine families, 3 iterations of
/// 6,000 new instructions at 1:1, τ = 1, novelty 0.7, the simulated student, and the oracle behind
/// the project's HTTP endpoint on loopback (in this process), so every request goes through the
/// whole gateway of a `lion run` in its own process. Arguments scale it down: SEEDS NEW [ITERATIONS].
/// Reports requests by role, wall and CPU time (lion's process apart from the endpoint's), peak RSS,
/// the store's size, each stage's seconds, and how long `lion status` and `lion report` take. With
/// "kill" last, the same run is then made again against a fresh endpoint and killed with SIGKILL
/// at three random moments, each time resumed by the same command: its store must end identical
/// and the endpoint must have answered nothing twice beyond what was in flight at the kills.
/// </summary>
internal static class PaperScaleBenchmark
{
    public static int Run(string[] args)
    {
        int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 52_000;
        int fresh = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6_000;
        int iterations = args.Length > 2 && args[2] != "kill" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        return RunAsync(seeds, fresh, iterations, kill: args.Contains("kill")).GetAwaiter().GetResult();
    }

    /// <summary>Requests in flight at once (the run's concurrency): what a kill may leave answered but not stored.</summary>
    private const int Concurrency = 32;

    private static async Task<int> RunAsync(int seedCount, int fresh, int iterations, bool kill)
    {
        string work = Path.Combine(Path.GetTempPath(), $"lion-paper-scale-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string seeds = Path.Combine(work, "seeds.jsonl");
            using (var stream = File.Create(seeds))
                DatasetWriter.Write(RunPresets.OracleSeeds("paper-scale", (seedCount + 8) / 9, 2305).Records.Take(seedCount)
                    .Select((r, i) => new DatasetRecord(i.ToString(CultureInfo.InvariantCulture), r)), ExportFormat.JsonLines, stream);
            await using var server = await OracleRunProcess.Server();
            static string Role(Uri endpoint, double temperature, int maxTokens, int perWord) =>
                $$"""{"endpoint": "{{endpoint}}", "model": "lion-oracle", "temperature": {{temperature}}, "max_tokens": {{maxTokens}}, "max_tokens_per_seed_word": {{perWord}}}""";
            string config = Path.Combine(work, "lion.json");
            File.WriteAllText(config, ConfigText(Role, server.BaseUrl, iterations, fresh));
            string run = Path.Combine(work, "run");
            Console.WriteLine($"{seedCount} seeds, {iterations} × {fresh} new, oracle at {server.BaseUrl}");

            var clock = Stopwatch.StartNew();
            var endpointCpu = Process.GetCurrentProcess().TotalProcessorTime;
            using var lion = OracleRunProcess.Start(Console.Out, "run", "--config", config, "--seeds", seeds, "--out", run);
            long peakKb = 0;
            double cpuSeconds = 0;
            while (!lion.HasExited)
            {
                // The process's own counters vanish with it: sample them while it runs.
                (peakKb, cpuSeconds) = (Math.Max(peakKb, PeakKb(lion.Id)), Math.Max(cpuSeconds, CpuSeconds(lion.Id)));
                await Task.Delay(500);
            }
            await lion.WaitForExitAsync();
            double wall = clock.Elapsed.TotalSeconds;
            double benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - endpointCpu).TotalSeconds;

            var status = Timed("status", "--out", run);
            var report = Timed("report", "--out", run);
            var (byRole, stages) = Ledger(run);
            long storeBytes = Directory.GetFiles(run, "lion.db*").Sum(f => new FileInfo(f).Length);
            long paid = byRole.Values.Sum(r => r.Paid);
            long all = byRole.Values.Sum(r => r.Paid + r.Cached);
            object? killed = kill ? await KillAsync(work, seeds, Role, iterations, fresh, OracleRunProcess.Fingerprint(run), wall) : null;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "paper-scale",
                seeds = seedCount,
                new_per_iteration = fresh,
                iterations,
                exit_code = lion.ExitCode,
                requests = byRole.ToDictionary(r => r.Key, r => new { paid = r.Value.Paid, cached = r.Value.Cached }),
                paid_requests = paid,
                wall_seconds = Math.Round(wall, 1),
                requests_per_second = Math.Round(all / wall, 1),
                paid_requests_per_second = Math.Round(paid / wall, 1),
                lion_cpu_seconds = Math.Round(cpuSeconds, 1),
                lion_cpu_ms_per_request = Math.Round(1000 * cpuSeconds / Math.Max(1, all), 3),
                endpoint_cpu_seconds = Math.Round(benchCpu, 1),
                peak_rss_mb = Math.Round(peakKb / 1024.0, 1),
                store_mb = Math.Round(storeBytes / 1048576.0, 1),
                stage_seconds = stages,
                status_seconds = Math.Round(status, 2),
                report_seconds = Math.Round(report, 2),
                kill = killed,
            }));
            return lion.ExitCode;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The same schedule against a fresh endpoint, killed three times and resumed; what it ended with against the uninterrupted run.</summary>
    private static async Task<object> KillAsync(string work, string seeds, Func<Uri, double, int, int, string> role, int iterations, int fresh,
        string reference, double referenceSeconds)
    {
        await using var server = await OracleRunProcess.Server();
        string config = Path.Combine(work, "lion-kill.json");
        File.WriteAllText(config, ConfigText(role, server.BaseUrl, iterations, fresh));
        string run = Path.Combine(work, "killed");
        string[] command = ["run", "--config", config, "--seeds", seeds, "--out", run];
        var random = new Random(52);
        var moments = Enumerable.Range(0, 3).Select(_ => 0.05 + random.NextDouble() * 0.9).Order().ToList();
        var clock = Stopwatch.StartNew();
        var kills = new List<double>();
        foreach (double moment in moments)
        {
            double at = moment * referenceSeconds;
            using var process = OracleRunProcess.Start(null, command);
            // A run made longer by earlier kills: each kill comes at its moment of the whole schedule's time, after the resume's start.
            double wait = Math.Max(1, at - clock.Elapsed.TotalSeconds);
            if (!process.WaitForExit(TimeSpan.FromSeconds(wait)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                kills.Add(Math.Round(clock.Elapsed.TotalSeconds, 1));
                Console.WriteLine($"killed at {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        int exit;
        using (var last = OracleRunProcess.Start(null, command))
        {
            last.WaitForExit();
            exit = last.ExitCode;
        }
        bool identical = exit == 0 && OracleRunProcess.Fingerprint(run) == reference;
        Console.WriteLine($"resumed to the end: exit {exit}, identical {identical}, repeats {server.Log.RepeatsOfAnswered}");
        return new
        {
            kills_at_seconds = kills,
            exit_code = exit,
            identical_to_uninterrupted = identical,
            upstream_calls = server.Log.Received,
            repeated_answered_requests = server.Log.RepeatsOfAnswered,
            in_flight_bound = Concurrency * kills.Count,
        };
    }

    private static string ConfigText(Func<Uri, double, int, int, string> role, Uri endpoint, int iterations, int fresh) => $$"""
        {"iterations": {{iterations}}, "new_instructions_per_iteration": {{fresh}}, "hard_easy_ratio": "1:1", "threshold": 1.0,
         "novelty_threshold": 0.7, "concurrency": {{Concurrency}},
         "teacher": {{role(endpoint, 0.7, 1024, 0)}}, "referee": {{role(endpoint, 0.2, 512, 0)}}, "generator": {{role(endpoint, 1.0, 256, 4)}},
         "limits": {"requests_per_minute": 10000000, "tokens_per_minute": 2000000000, "max_concurrency": 64},
         "student": {"kind": "simulated"}
        }
        """;

    private static double Timed(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = OracleRunProcess.Start(null, args);
        process.WaitForExit();
        return clock.Elapsed.TotalSeconds;
    }

    private static (Dictionary<string, (long Paid, long Cached)> ByRole, Dictionary<string, double> Stages) Ledger(string run)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(run, "lion.db")};Mode=ReadOnly");
        connection.Open();
        var byRole = new Dictionary<string, (long, long)>();
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT role, SUM(cached = 0), SUM(cached = 1) FROM usage GROUP BY role ORDER BY role";
            using var reader = query.ExecuteReader();
            while (reader.Read())
                byRole[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }
        var stages = new Dictionary<string, double>();
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT iteration, stage, started_at, finished_at FROM stage_progress WHERE finished_at IS NOT NULL ORDER BY iteration, started_at";
            using var reader = query.ExecuteReader();
            while (reader.Read())
                stages[$"{reader.GetInt32(0)}.{reader.GetString(1)}"] = Math.Round(
                    (DateTime.Parse(reader.GetString(3), CultureInfo.InvariantCulture) - DateTime.Parse(reader.GetString(2), CultureInfo.InvariantCulture)).TotalSeconds, 1);
        }
        return (byRole, stages);
    }

    private static long PeakKb(int pid)
    {
        try
        {
            string line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) ?? "";
            return line.Length == 0 ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double CpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
