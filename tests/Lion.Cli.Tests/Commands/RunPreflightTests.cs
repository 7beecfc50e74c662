using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// What `lion run` checks before it writes or pays for anything: one writer per run folder, and
/// every config value and every file or folder the config names.
/// </summary>
public sealed class RunPreflightTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public RunPreflightTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_second_run_on_a_folder_another_process_writes_is_refused_at_once_naming_the_holder()
    {
        string run = _folder.File("run");
        LionInvocation refused;
        using (RunLock.Acquire(run, "lion run"))
            refused = LionInvocation.Run("run", "--preset", "smoke", "--out", run);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"another lion process is writing this run (pid {Environment.ProcessId}, lion run, since ", refused.Error);
        Assert.False(RunStore.IsRunFolder(run));
    }

    [Fact]
    public async Task A_held_out_folder_that_does_not_exist_is_refused_before_the_run_is_made_or_anything_is_paid()
    {
        await using var server = await OracleHttpRun.OracleServer();
        string config = _folder.Write("lion.json", File.ReadAllText(_http.Config(server, iterations: 1))
            .Replace("\"retry\": {}", "\"retry\": {}, \"evaluation\": {\"bbh_data\": \"no-such-tasks\"}"));
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", config, "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {config}: evaluation.bbh_data: no such folder {Path.Combine(run, "no-such-tasks")}", result.Error);
        Assert.False(Directory.Exists(run));
        Assert.Equal(0, server.Log.Received);
    }

    [Fact]
    public async Task A_new_config_naming_a_missing_prompt_file_is_refused_and_the_stored_config_stays()
    {
        await using var server = await OracleHttpRun.OracleServer();
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("init", "--seeds", _http.WriteSeeds(), "--out", run, "--config", _http.Config(server, iterations: 1)).ExitCode);
        string before;
        using (var store = RunStore.Open(run))
            before = store.Config().Json;
        string missing = _folder.File("no-referee.txt");
        string broken = _folder.Write("broken.json", $$$"""{"iterations": 1, "prompts": {"referee": "{{{missing}}}"}}""");

        var refused = await OracleHttpRun.Invoke(["run", "--config", broken, "--out", run]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"error: {broken}: prompts.referee: no such file {missing}", refused.Error);
        using var after = RunStore.Open(run);
        Assert.Equal(before, after.Config().Json);
        Assert.Equal(0, server.Log.Received);
    }

    [Fact]
    public void A_ratio_too_large_to_count_is_refused_with_its_key_before_anything_is_written()
    {
        string config = _folder.Write("lion.json", """{"hard_easy_ratio": "99999999999:1"}""");
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--preset", "smoke", "--config", config, "--out", run);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {config}: hard_easy_ratio: must be two whole numbers from 0 to 1000", result.Error);
        Assert.False(Directory.Exists(run));
    }
}
