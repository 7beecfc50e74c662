using System.Diagnostics;
using Lion.Cli.Commands;
using Lion.Endpoint;
using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Testing;

namespace Lion.Bench;

/// <summary>
/// A small run in its own `lion` process whose three roles are the oracle served over loopback
/// HTTP (the smoke preset's seeds and sizes): the pieces the crash and outage benchmarks share.
/// </summary>
internal static class OracleRunProcess
{
    /// <summary>The oracle behind the OpenAI-compatible endpoint; port 0 picks a free one.</summary>
    public static Task<TestEndpoint> Server(int port = 0) =>
        TestEndpoint.StartAsync(new OracleChatClient(new OracleOptions { Seed = 2305 }), new ChatServerOptions { Models = ["lion-oracle"], Port = port });

    public static string WriteSeeds(string work)
    {
        string seeds = Path.Combine(work, "seeds.jsonl");
        using var stream = File.Create(seeds);
        DatasetWriter.Write(RunPresets.OracleSeeds("kill", 5, 2305).Records.Select((r, i) => new DatasetRecord(i.ToString(), r)),
            ExportFormat.JsonLines, stream);
        return seeds;
    }

    /// <summary>A three-iteration config whose roles all use <paramref name="endpoint"/>, written to <paramref name="path"/>.</summary>
    public static string WriteConfig(string path, Uri endpoint)
    {
        string Role(double temperature, int maxTokens, int perWord) =>
            $$"""{"endpoint": "{{endpoint}}", "model": "lion-oracle", "temperature": {{temperature}}, "max_tokens": {{maxTokens}}, "max_tokens_per_seed_word": {{perWord}}}""";
        File.WriteAllText(path, $$"""
            {"iterations": 3, "new_instructions_per_iteration": 24, "concurrency": 8,
             "teacher": {{Role(0.7, 1024, 0)}}, "referee": {{Role(0.2, 512, 0)}}, "generator": {{Role(1.0, 256, 4)}},
             "limits": {"requests_per_minute": 100000, "tokens_per_minute": 100000000, "max_concurrency": 64},
             "student": {"kind": "simulated"}
            }
            """);
        return path;
    }

    /// <summary>Starts the `lion` command built beside this benchmark, its output drained and kept.</summary>
    public static Process Start(TextWriter? log, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "lion"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) log?.WriteLine(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) log?.WriteLine(line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static string Fingerprint(string run)
    {
        using var store = RunStore.Open(run);
        return store.Summary.Fingerprint();
    }

    public static bool IsDone(string run)
    {
        using var store = RunStore.Open(run);
        return store.Loop.Stage(3, LoopStage.Generation).Status == StageStatus.Done;
    }
}
