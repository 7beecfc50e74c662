using System.CommandLine;
using Lion.Cli.Commands;
using Lion.Endpoint;
using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Testing;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// A run whose three roles are the oracle served over loopback HTTP: the seeds, a config that
/// points every role at one endpoint, and the command invoked in this process (cancellable as
/// Ctrl-C cancels it).
/// </summary>
internal sealed class OracleHttpRun(TempFolder folder)
{
    /// <summary>Retries that give up within a second, so a test sees a request fail for good quickly.</summary>
    public const string QuickRetries = """{"max_attempts": 2, "base_delay_seconds": 0.01, "max_delay_seconds": 0.02}""";

    public static Task<TestEndpoint> OracleServer(FaultPlan? faults = null, string? apiKey = null) =>
        TestEndpoint.StartAsync(new OracleChatClient(new OracleOptions { Seed = 2305 }),
            new ChatServerOptions { Models = ["lion-oracle"], ApiKey = apiKey }, faults);

    /// <summary>Ten seeds of each oracle family the smoke preset uses, as JSON Lines.</summary>
    public string WriteSeeds()
    {
        string path = folder.File("seeds.jsonl");
        if (!File.Exists(path))
        {
            var seeds = RunPresets.OracleSeeds("test", 5, 2305);
            using var stream = File.Create(path);
            DatasetWriter.Write(seeds.Records.Select((r, i) => new DatasetRecord(i.ToString(), r)), ExportFormat.JsonLines, stream);
        }
        return path;
    }

    public string Config(TestEndpoint server, int iterations = 3, string? keyVariable = null, string budget = "{}", string retry = "{}",
        string role = "", string extra = "", int concurrency = 8) =>
        Config(server.BaseUrl.ToString(), iterations, keyVariable, budget, retry, role, extra, concurrency);

    /// <param name="role">Keys added to every role, e.g. <c>, "batch": true</c>.</param>
    /// <param name="extra">Keys added to the config, e.g. <c>, "batch": {…}</c>.</param>
    public string Config(string endpoint, int iterations = 3, string? keyVariable = null, string budget = "{}", string retry = "{}",
        string role = "", string extra = "", int concurrency = 8)
    {
        string Role(double temperature, int maxTokens, int perWord = 0) =>
            $$"""{"endpoint": "{{endpoint}}", "model": "lion-oracle"{{(keyVariable is null ? "" : $", \"api_key_env\": \"{keyVariable}\"")}}, "temperature": {{temperature}}, "max_tokens": {{maxTokens}}, "max_tokens_per_seed_word": {{perWord}}, "timeout_seconds": 5{{role}}}""";
        string path = folder.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "iterations": {{iterations}}, "new_instructions_per_iteration": 24, "concurrency": {{concurrency}}{{extra}},
              "teacher": {{Role(0.7, 1024)}}, "referee": {{Role(0.2, 512)}}, "generator": {{Role(1.0, 256, 4)}},
              "limits": {"requests_per_minute": 100000, "tokens_per_minute": 100000000, "max_concurrency": 64},
              "budget": {{budget}}, "retry": {{retry}}, "student": {"kind": "simulated"}
            }
            """);
        return path;
    }

    public static string Snapshot(string run)
    {
        using var store = RunStore.Open(run);
        return store.Summary.Fingerprint();
    }

    public static async Task<LionInvocation> Invoke(string[] args, int? stopAfterLines = null)
    {
        using var stop = new CancellationTokenSource();
        var output = new StoppingWriter(stop, stopAfterLines ?? int.MaxValue);
        var error = new StringWriter();
        int code = await LionCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);
        return new LionInvocation(code, output.ToString(), error.ToString());
    }

    /// <summary>Cancels the run, as Ctrl-C does, once it has printed a given number of lines.</summary>
    private sealed class StoppingWriter(CancellationTokenSource stop, int lines) : StringWriter
    {
        private int _written;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (Interlocked.Increment(ref _written) == lines)
                stop.Cancel();
        }
    }
}
