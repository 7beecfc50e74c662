using System.ClientModel;
using System.CommandLine;
using Lion.Tests;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using OpenAI;
using OpenAI.Chat;
using static TorchSharp.torch;

namespace Lion.Cli.Tests.Commands;

public sealed class ServeCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SavedStudent()
    {
        manual_seed(31);
        using var model = new LlamaForCausalLM(LlamaConfig.TinyByteLevel with { HiddenSize = 64, IntermediateSize = 128 });
        string folder = _folder.File("my-student");
        HuggingFaceFolder.Save(model, folder, new ByteTokenizer());
        return folder;
    }

    [Fact]
    public async Task Serve_puts_a_checkpoint_behind_the_official_client_under_its_folder_name_and_key()
    {
        string student = SavedStudent();
        Environment.SetEnvironmentVariable("LION_SERVE_TEST_KEY", "sk-serve");
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = LionCommand.Create().Parse(["serve", "--model", student, "--port", "0", "--api-key-env", "LION_SERVE_TEST_KEY"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        string url = await LionInvocation.WaitForUrl(output);

        var options = new OpenAIClientOptions { Endpoint = new Uri(url), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) };
        var completion = (await new ChatClient("my-student", new ApiKeyCredential("sk-serve"), options)
            .CompleteChatAsync([new UserChatMessage("hello")], new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 })).Value;
        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            new ChatClient("my-student", new ApiKeyCredential("sk-wrong"), options).CompleteChatAsync([new UserChatMessage("hello")]));
        stop.Cancel();

        Assert.InRange(completion.Usage.OutputTokenCount, 1, 8);
        Assert.Equal(401, refused.Status);
        Assert.Equal(0, await serving);
        Assert.Contains("Stopped after 2 requests.", output.ToString());
    }

    [Fact]
    public async Task With_enable_lora_adapters_load_and_unload_as_vllms_endpoints_say_and_bad_requests_are_refused()
    {
        string student = SavedStudent();
        string adapter = _folder.File("adapter");
        string data = _folder.Write("data.jsonl", "{\"instruction\": \"2 + 2 =\", \"output\": \"4\"}\n");
        Assert.Equal(0, LionInvocation.Run("train", "--base", student, "--data", data, "--out", adapter, "--epochs", "1", "--lora-rank", "2", "--adapter").ExitCode);
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = LionCommand.Create().Parse(["serve", "--model", student, "--port", "0", "--enable-lora"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri(await LionInvocation.WaitForUrl(output)) };
        async Task<(int Status, string Body)> Post(string path, string json)
        {
            using var response = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var loaded = await Post("load_lora_adapter", $$"""{"lora_name": "mine", "lora_path": {{System.Text.Json.JsonSerializer.Serialize(adapter)}}}""");
        var again = await Post("load_lora_adapter", $$"""{"lora_name": "mine", "lora_path": {{System.Text.Json.JsonSerializer.Serialize(adapter)}}}""");
        var notAnAdapter = await Post("load_lora_adapter", $$"""{"lora_name": "other", "lora_path": {{System.Text.Json.JsonSerializer.Serialize(student)}}}""");
        var models = await http.GetStringAsync("models");
        var unloaded = await Post("unload_lora_adapter", """{"lora_name": "mine"}""");
        var unknown = await Post("unload_lora_adapter", """{"lora_name": "mine"}""");
        var malformed = await Post("load_lora_adapter", """{"lora_name": 3}""");
        stop.Cancel();
        await serving;

        Assert.Equal((200, "Success: LoRA adapter 'mine' added successfully."), loaded);
        Assert.Equal(400, again.Status);
        Assert.Equal(400, notAnAdapter.Status);
        Assert.Contains("\"id\":\"mine\"", models);
        Assert.Equal(200, unloaded.Status);
        Assert.Equal(404, unknown.Status);
        Assert.Equal(400, malformed.Status);
    }

    [Fact]
    public async Task A_served_student_scores_the_same_through_eval_endpoint_as_loaded_directly()
    {
        string student = SavedStudent();
        string data = Path.Combine(AppContext.BaseDirectory, "bbh-format");
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = LionCommand.Create().Parse(["serve", "--model", student, "--port", "0"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        string url = await LionInvocation.WaitForUrl(output);

        var direct = LionInvocation.Run("eval", "bbh", "--model", student, "--data", data, "--max-new-tokens", "6", "--json", "--run", _folder.File("none"));
        var served = await Task.Run(() => LionInvocation.Run("eval", "bbh", "--endpoint", url, "--endpoint-model", "my-student", "--api-key-env", "PATH",
            "--data", data, "--max-new-tokens", "6", "--json", "--run", _folder.File("run")));
        stop.Cancel();
        await serving;

        Assert.True(served.ExitCode == 0, served.Error);
        Assert.Equal(direct.Output.Trim(), served.Output.Trim());
    }

    [Fact]
    public void A_folder_that_is_not_a_model_is_named()
    {
        string empty = Directory.CreateDirectory(_folder.File("empty")).FullName;

        var result = LionInvocation.Run("serve", "--model", empty, "--port", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(empty, result.Error);
    }
}
