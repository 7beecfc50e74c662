using System.Diagnostics;
using System.Text.Json;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// The GPU path end to end, on this machine's CPU: an external student trained by `lion train` and
/// served by `lion serve`, both real processes that lion starts, waits for and stops.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StudentServerRunTests : IDisposable
{
    private static readonly string Lion = Path.Combine(AppContext.BaseDirectory, "lion");
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A tiny base checkpoint, seeds from the oracle's families, and the config of a run that serves its own student.</summary>
    private (string Config, string Seeds) Setup(int iterations, int concurrency = 4)
    {
        string seeds = new OracleHttpRun(_folder).WriteSeeds();
        string basis = _folder.File("base");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", _folder.Write("one.jsonl", "{\"instruction\": \"1 + 1 =\", \"output\": \"2\"}\n"),
            "--out", basis, "--epochs", "1", "--prompt-format", "plain").ExitCode);
        string train = $"{Lion} train --base {{previous}} --data {{data}} --out {{output}} --epochs 1 --max-length 96 --workers 1";
        string serve = $"{Lion} serve --model {{checkpoint}} --port {{port}} --max-batch 4";
        string config = _folder.Write("lion.json", $$"""
            {
              "iterations": {{iterations}}, "new_instructions_per_iteration": 6, "concurrency": {{concurrency}},
              "student": {"kind": "external", "base_checkpoint": {{JsonSerializer.Serialize(basis)}}, "temperature": 0, "max_tokens": 6,
                          "train_command": {{JsonSerializer.Serialize(train)}}, "serve_command": {{JsonSerializer.Serialize(serve)}},
                          "serve_timeout_seconds": 120}
            }
            """);
        return (config, seeds);
    }

    /// <summary>Processes still alive whose command line names <paramref name="folder"/>.</summary>
    private static List<string> ProcessesUsing(string folder) =>
        Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Where(cmdline => cmdline.Contains(folder, StringComparison.Ordinal) && cmdline.Contains(" serve ", StringComparison.Ordinal))
            .ToList();

    [Fact]
    public void Three_iterations_start_one_server_per_checkpoint_answer_through_it_and_leave_none_running()
    {
        var (config, seeds) = Setup(iterations: 3);
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", config, "--seeds", seeds, "--out", run);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        string log = File.ReadAllText(Path.Combine(run, "student", "server.log"));
        var served = System.Text.RegularExpressions.Regex.Matches(log, @"Serving (\S+) at http").Select(m => m.Groups[1].Value).ToList();
        using var store = RunStore.Open(run);
        Assert.Equal(Enumerable.Range(1, 3).Select(i => store.Loop.Checkpoint(i)!), served);
        Assert.All(Enumerable.Range(1, 3), i => Assert.NotEmpty(store.Loop.StudentAnswers(i)));
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(PromptFormat.Plain, ChatTemplate.Read(store.Loop.Checkpoint(i)!)));
        Assert.True(File.Exists(Path.Combine(run, "student", "iteration-2.train.log")));
        Assert.False(File.Exists(Path.Combine(run, "student", "server.json")));
        Assert.Empty(ProcessesUsing(run));
    }

    [Fact]
    public void A_server_that_never_answers_stops_the_run_with_exit_2_and_its_last_log_lines()
    {
        var (config, seeds) = Setup(iterations: 1);
        File.WriteAllText(config, File.ReadAllText(config).Replace($"{Lion} serve --model {{checkpoint}} --port {{port}} --max-batch 4",
            "echo 'CUDA out of memory' {checkpoint} {port}; exit 7"));
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", config, "--seeds", seeds, "--out", run);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the student's server exited with 7", result.Error);
        Assert.Contains("CUDA out of memory", result.Error);
    }

    [Fact]
    public async Task After_a_kill_9_in_discrimination_the_same_command_stops_the_stale_server_and_ends_as_an_uninterrupted_run()
    {
        // One request at a time: the served student decodes each question alone in both runs.
        var (config, seeds) = Setup(iterations: 1, concurrency: 1);
        string whole = _folder.File("whole"), killed = _folder.File("killed");
        Assert.Equal(0, LionInvocation.Run("run", "--config", config, "--seeds", seeds, "--out", whole).ExitCode);

        using (var first = Process.Start(new ProcessStartInfo(Lion, ["run", "--config", config, "--seeds", seeds, "--out", killed])
               { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            string record = Path.Combine(killed, "student", "server.json");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(record) || !HasStudentAnswers(killed))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3) && !first.HasExited, "the run never reached discrimination with its server up");
                await Task.Delay(100);
            }
            first.Kill();
            await first.WaitForExitAsync();
        }
        Assert.NotEmpty(ProcessesUsing(killed));

        var resumed = LionInvocation.Run("run", "--out", killed);

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Empty(ProcessesUsing(killed));
        Assert.Equal(Verdicts(whole), Verdicts(killed));
        Assert.Equal(CachePool(whole), CachePool(killed));
    }

    private static bool HasStudentAnswers(string run)
    {
        try
        {
            using var store = RunStore.Open(run);
            return store.Loop.StudentAnswered(1).Count > 0;
        }
        catch (Exception error) when (error is Core.BadInputException or Core.StorageException)
        {
            return false;
        }
    }

    private static string Verdicts(string run)
    {
        using var store = RunStore.Open(run);
        return string.Join("\n", store.Loop.Verdicts(1).Select(v => $"{v.InstructionId} {v.TeacherScore} {v.StudentScore} {v.Label}"));
    }

    private static string CachePool(string run)
    {
        using var store = RunStore.Open(run);
        return string.Join("\n", store.Loop.PoolMembers(Core.Store.Pool.Cache, 2).Select(p => p.Instruction));
    }

    [Fact]
    public void With_reload_lora_one_server_takes_each_new_adapter_and_answers_with_it()
    {
        var (config, seeds) = Setup(iterations: 2, concurrency: 1);
        string basis = _folder.File("base");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("--workers 1", "--workers 1 --lora-rank 4 --learning-rate 0.01 --adapter")
            .Replace("--max-batch 4", "--max-batch 4 --enable-lora")
            .Replace("\"serve_timeout_seconds\": 120", "\"serve_timeout_seconds\": 120, \"reload\": \"lora\""));
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", config, "--seeds", seeds, "--out", run);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        string log = File.ReadAllText(Path.Combine(run, "student", "server.log"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, "Serving "));
        Assert.Contains($"Serving {basis} at", log);
        using var store = RunStore.Open(run);
        foreach (int iteration in new[] { 1, 2 })
        {
            string adapter = store.Loop.Checkpoint(iteration)!;
            Assert.True(File.Exists(Path.Combine(adapter, "adapter_config.json")), $"iteration {iteration} trained an adapter");
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, $"Loaded LoRA adapter \"iteration-{iteration}\" from {adapter}"));
            // The served answer of a question is what the adapter itself answers, decoded alone as the server decoded it.
            var (id, question) = store.Loop.PoolMembers(Core.Store.Pool.Cache, iteration).Select(i => (i.Id, i.Instruction)).First();
            string prompts = _folder.Write($"q{iteration}.jsonl", JsonSerializer.Serialize(new { instruction = question }) + "\n");
            var alone = LionInvocation.Run("generate", "--model", adapter, "--prompts", prompts, "--max-new-tokens", "6");
            Assert.Equal(JsonDocument.Parse(alone.Output).RootElement.GetProperty("output").GetString(), store.Loop.StudentAnswers(iteration)[id]);
            // RUN/student is the latest adapter, resolved on its base like any checkpoint.
            if (iteration == 2)
            {
                var latest = LionInvocation.Run("generate", "--model", Path.Combine(run, "student"), "--prompts", prompts, "--max-new-tokens", "6");
                Assert.True(latest.ExitCode == 0, latest.Error);
                Assert.Equal(alone.Output, latest.Output);
            }
        }
        Assert.Empty(ProcessesUsing(run));
    }
}
