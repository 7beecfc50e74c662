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

    /// <summary>lion serve for one test: its base URL, and a way to stop it.</summary>
    private async Task<(HttpClient Http, Func<Task> Stop)> Serve(string student)
    {
        var output = new StringWriter();
        var stop = new CancellationTokenSource();
        var serving = LionCommand.Create().Parse(["serve", "--model", student, "--port", "0"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        var http = new HttpClient { BaseAddress = new Uri(await LionInvocation.WaitForUrl(output)) };
        return (http, async () =>
        {
            stop.Cancel();
            await serving;
            http.Dispose();
            stop.Dispose();
        });
    }

    private static async Task<System.Text.Json.JsonElement> Post(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_loglikelihood_request_as_lm_evaluation_harness_sends_it_gets_the_students_own_log_probabilities()
    {
        string student = SavedStudent();
        var tokenizer = new ByteTokenizer();
        int[] context = tokenizer.Encode("Question: 2 + 2 =\nAnswer:"), continuation = tokenizer.Encode(" 4");
        int[] tokens = [.. context, .. continuation];
        var (http, stop) = await Serve(student);
        // local-completions' loglikelihood payload: token ids, one generated token, its log-probability and the prompt's echoed.
        var answer = await Post(http, "completions", $$"""
            {"model": "my-student", "prompt": [{{System.Text.Json.JsonSerializer.Serialize(tokens)}}], "temperature": 0, "max_tokens": 1, "logprobs": 1, "seed": 1234, "echo": true}
            """);
        await stop();

        var logprobs = answer.GetProperty("choices")[0].GetProperty("logprobs");
        var tokenLogprobs = logprobs.GetProperty("token_logprobs").EnumerateArray().ToList();
        Assert.Equal(tokens.Length + 1, tokenLogprobs.Count);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, tokenLogprobs[0].ValueKind);
        // The harness's sum: the continuation's tokens, the generated one left out.
        double served = tokenLogprobs.Skip(context.Length).Take(continuation.Length).Sum(t => t.GetDouble());
        var (model, _) = HuggingFaceFolder.LoadWithTokenizer(student);
        using (model)
        using (no_grad())
        {
            using var input = tensor(tokens.Select(t => (long)t).ToArray()).reshape(1, -1);
            using var labels = tensor(tokens.Select((t, i) => i < context.Length ? -100L : t).ToArray()).reshape(1, -1);
            using var loss = model.Loss(input, labels);
            Assert.Equal(-loss.item<float>() * continuation.Length, served, 3);
        }
        var tops = logprobs.GetProperty("top_logprobs").EnumerateArray().Skip(1).ToList();
        Assert.All(tops.Zip(tokenLogprobs.Skip(1)), pair =>
            Assert.True(pair.First.EnumerateObject().Max(p => p.Value.GetDouble()) >= pair.Second.GetDouble() - 1e-6));
    }

    [Fact]
    public async Task A_generate_until_request_continues_the_raw_text_and_stops_at_the_stop_string()
    {
        string student = SavedStudent();
        var (http, stop) = await Serve(student);
        string body = """{"model": "my-student", "prompt": ["Q: 1 + 1 =\nA:", "Q: 2 + 2 =\nA:"], "max_tokens": 12, "temperature": 0, "stop": ["\n"], "seed": 1234}""";
        var first = await Post(http, "completions", body);
        var again = await Post(http, "completions", body);
        var models = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("models")).RootElement;
        await stop();

        Assert.Equal("text_completion", first.GetProperty("object").GetString());
        var choices = first.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c =>
        {
            Assert.DoesNotContain("\n", c.GetProperty("text").GetString());
            Assert.Contains(c.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        });
        Assert.Equal(first.GetProperty("choices").ToString(), again.GetProperty("choices").ToString());
        Assert.Equal(LlamaConfig.TinyByteLevel.MaxPositionEmbeddings, models.GetProperty("data")[0].GetProperty("max_model_len").GetInt32());
    }
}
