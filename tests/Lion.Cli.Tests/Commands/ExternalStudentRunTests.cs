using System.Text.Json;
using Lion.Endpoint;
using Lion.Core.Store;
using Lion.Testing;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>The multi-GPU path: a student trained by the user's command and served by an OpenAI-compatible endpoint.</summary>
public sealed class ExternalStudentRunTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private TestEndpoint _studentServer = null!;

    public async Task InitializeAsync() =>
        _studentServer = await TestEndpoint.StartAsync(new EchoChatClient(), new ChatServerOptions { Models = ["student-model"] });

    public async Task DisposeAsync() => await _studentServer.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    private string Config(string trainCommand) => _folder.Write("lion.json", $$"""
        {
          "iterations": 1, "new_instructions_per_iteration": 4, "concurrency": 4,
          "student": {"kind": "external", "endpoint": "{{_studentServer.BaseUrl}}", "model": "student-model",
                      "train_command": {{JsonSerializer.Serialize(trainCommand)}}}
        }
        """);

    private string Seeds() => _folder.Write("seeds.jsonl",
        "{\"instruction\": \"Question: Ann lies. Bob says Ann lies. Does Bob tell the truth?\"}\n" +
        "{\"instruction\": \"Sort the following words alphabetically: List: pear apple fig\"}\n");

    [Fact]
    public void The_training_command_gets_the_dataset_the_previous_checkpoint_and_the_output_folder()
    {
        string run = _folder.File("run");
        // The output folder is the trainer's own: empty when its command starts.
        string command = "test -z \"$(ls -A {output})\" && cp {data} {output}/seen.json && printf 'previous=[%s]' {previous} > {output}/args.txt";

        var result = LionInvocation.Run("run", "--config", Config(command), "--seeds", Seeds(), "--out", run);

        Assert.True(result.ExitCode == 0, result.Error);
        string checkpoint = Path.Combine(run, "student", "iteration-1");
        using var dataset = JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, "seen.json")));
        Assert.Equal(2, dataset.RootElement.GetArrayLength());
        Assert.Equal("Yes", dataset.RootElement[0].GetProperty("output").GetString());
        Assert.Equal("previous=[]", File.ReadAllText(Path.Combine(checkpoint, "args.txt")).Trim());
        // LLaMA-Factory's dataset_info.json beside the dataset: `dataset: lion` is this iteration's file.
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "student", "dataset_info.json")));
        Assert.Equal("iteration-1.train.json", info.RootElement.GetProperty("lion").GetProperty("file_name").GetString());
        Assert.Equal("alpaca", info.RootElement.GetProperty("lion").GetProperty("formatting").GetString());
        using var store = RunStore.Open(run);
        Assert.Equal(Path.GetFullPath(checkpoint), store.Loop.Checkpoint(1));
        Assert.All(store.Loop.StudentAnswers(1).Values, answer => Assert.StartsWith("echo: ", answer));
    }

    [Fact]
    public void A_failing_training_command_stops_the_run_with_its_message_and_exit_code_2()
    {
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", Config("echo 'out of GPU memory' >&2; exit 3"), "--seeds", Seeds(), "--out", run);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the training command exited with 3 (", result.Error);
        Assert.Contains("iteration-1.train.log):\nout of GPU memory", result.Error);
        Assert.Equal("out of GPU memory\n", File.ReadAllText(Path.Combine(run, "student", "iteration-1.train.log")));
        using var store = RunStore.Open(run);
        Assert.Equal(2, store.Loop.TeacherAnswers().Count);
    }
}
