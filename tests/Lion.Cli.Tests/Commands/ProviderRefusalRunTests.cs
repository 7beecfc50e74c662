using System.Text.Json;
using Lion.Endpoint;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Testing.Providers;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// `lion run` against local doubles of today's providers, each answering as its documentation
/// says: a reasoning model that refuses sampling parameters, an account out of quota, a content
/// filter, a server with a small context, Azure OpenAI's two addressings. A refusal the config
/// caused stops the run naming the key and stores nothing; one the item caused is its result under
/// the parameters it was refused with.
/// </summary>
public sealed class ProviderRefusalRunTests : IDisposable
{
    private const int Concurrency = 8;

    /// <summary>The seeds <see cref="OracleHttpRun.WriteSeeds"/> writes: five of each of nine families.</summary>
    private const int Seeds = 45;
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public ProviderRefusalRunTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    private static Task<ChatServer> Serve(IChatRequestFilter behaviour, int? contextLength = null) =>
        ChatServer.StartAsync(new OracleChatClient(new OracleOptions { Seed = 2305 }),
            new ChatServerOptions { Models = ["lion-oracle"], Filter = behaviour, ContextLength = contextLength });

    /// <summary>A config as a user writes it: each role's endpoint and model, everything else the defaults unless given.</summary>
    private string Config(string endpoint, int iterations = 1, string all = "", string teacher = "", string model = "lion-oracle", string? key = null)
    {
        string keyed = key is null ? "" : $", \"api_key_env\": \"{key}\"";
        string Role(string own) => $$"""{"endpoint": "{{endpoint}}", "model": "{{model}}"{{keyed}}, "timeout_seconds": 10{{all}}{{own}}}""";
        string path = _folder.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "iterations": {{iterations}}, "new_instructions_per_iteration": 24, "concurrency": {{Concurrency}},
              "teacher": {{Role(teacher)}}, "referee": {{Role("")}}, "generator": {{Role("")}},
              "retry": {{OracleHttpRun.QuickRetries}}, "student": {"kind": "simulated"}
            }
            """);
        return path;
    }

    [Fact]
    public async Task A_reasoning_model_refusing_the_default_temperature_stops_the_run_naming_the_key_and_stores_nothing()
    {
        var reasoning = new ReasoningModel();
        await using var server = await Serve(reasoning);
        string run = _folder.File("run");

        var refused = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString()), "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: teacher.temperature: ", refused.Error);
        Assert.Contains("Unsupported value: 'temperature' does not support 0.7 with this model", refused.Error);
        Assert.Contains("null leaves it out", refused.Error);
        Assert.InRange(reasoning.Refused, 1, 2 * Concurrency);
        using var store = RunStore.Open(run);
        Assert.Empty(store.Loop.TeacherAnswers());
        Assert.Empty(store.Summary.Overview().UnanswerableByRole);
    }

    [Fact]
    public async Task The_run_continued_with_the_temperature_left_out_asks_again_finishes_and_pays_once()
    {
        var reasoning = new ReasoningModel();
        await using var server = await Serve(reasoning);
        string run = _folder.File("run");
        await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString()), "--seeds", _http.WriteSeeds(), "--out", run]);

        var finished = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString(), all: ", \"temperature\": null"), "--out", run]);
        int answered = reasoning.Answered;
        var again = await OracleHttpRun.Invoke(["run", "--out", run]);

        Assert.True(finished.ExitCode == 0, finished.Error);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(answered, reasoning.Answered);
        using var store = RunStore.Open(run);
        Assert.Equal(answered, (int)store.Summary.Overview().Usage.Requests);
        Assert.Equal(Seeds, store.Loop.TeacherAnswers().Values.Count(a => a.IsComplete));
    }

    [Fact]
    public async Task An_account_out_of_quota_stops_the_run_at_once_with_exit_2_and_retries_nothing()
    {
        var quota = new OutOfQuota();
        await using var server = await Serve(quota);
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString()), "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no credit left", result.Error);
        Assert.Contains("You exceeded your current quota", result.Error);
        Assert.InRange(quota.Refused, 1, Concurrency);
        using var store = RunStore.Open(run);
        // Requests in flight when the first refusal came back are cut off, not recorded.
        Assert.InRange(store.Summary.Overview().RemoteFailuresByKind["QuotaExhausted"], 1, quota.Refused);
        Assert.Empty(store.Loop.TeacherAnswers());
    }

    [Fact]
    public async Task Content_filtered_items_are_counted_never_trained_on_never_asked_again_and_asked_again_under_other_parameters()
    {
        // Word sorting's answers are withheld; Dyck prompts are refused outright.
        var filter = new ContentFilter("Sort the following words", "Complete the rest of the sequence");
        await using var server = await Serve(filter);
        string run = _folder.File("run");
        string url = server.BaseUrl.ToString();
        int Marked() => filter.Seen.Count(t => t.Contains("Sort the following words") || t.Contains("Complete the rest of the sequence"));

        var first = await OracleHttpRun.Invoke(["run", "--config", Config(url), "--seeds", _http.WriteSeeds(), "--out", run]);
        int markedAfterFirst = Marked();
        var same = await OracleHttpRun.Invoke(["run", "--config", Config(url, iterations: 2), "--out", run]);
        int markedAfterSame = Marked();
        var changed = await OracleHttpRun.Invoke(["run", "--config", Config(url, iterations: 3, teacher: ", \"temperature\": 0.5"), "--out", run]);
        var status = LionInvocation.Run("status", "--out", run);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(same.ExitCode == 0, same.Error);
        Assert.True(changed.ExitCode == 0, changed.Error);
        Assert.Contains("withheld by the provider's content filter", first.Output);
        Assert.Equal(10, markedAfterFirst);
        Assert.Equal(markedAfterFirst, markedAfterSame);
        Assert.Equal(markedAfterFirst + 10, Marked());
        Assert.Contains("Filtered  teacher 10", status.Output);
        var listed = LionInvocation.Run("status", "--out", run, "--refused");
        Assert.Contains("Refused items: 10", listed.Output);
        Assert.Contains("The response was filtered due to the prompt triggering Azure OpenAI's content management policy", listed.Output);
        Assert.Contains("the provider's content filter withheld the reply", listed.Output);
        var refusedJson = JsonDocument.Parse(LionInvocation.Run("status", "--out", run, "--refused", "--json").Output).RootElement.GetProperty("refused");
        Assert.Equal(10, refusedJson.GetArrayLength());
        Assert.All(refusedJson.EnumerateArray(), r => Assert.Equal(("teacher", "content_filter"), (r.GetProperty("role").GetString(), r.GetProperty("outcome").GetString())));
        Assert.Contains("withheld by the provider's content filter: teacher 10.", File.ReadAllText(Path.Combine(run, "report", "index.html")));
        using var store = RunStore.Open(run);
        var imitation = store.Summary.Overview().Results.Single(r => r.Iteration == 1).Imitation!;
        Assert.Equal((imitation.Instructions - 10, 10), (imitation.Trained, imitation.Unanswerable));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_max_tokens_over_a_small_context_is_fitted_to_it_counted_and_shown(bool reported)
    {
        var window = new ContextWindow(600);
        await using var server = await Serve(window, reported ? 600 : null);
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString()), "--seeds", _http.WriteSeeds(), "--out", run]);
        var status = LionInvocation.Run("status", "--out", run);

        Assert.True(result.ExitCode == 0, result.Error);
        if (reported)
            Assert.Equal(0, window.Refused);
        else
            Assert.InRange(window.Refused, 1, int.MaxValue);
        Assert.All(window.AnsweredMaxTokens, max => Assert.True(max is null or <= 600));
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(status.Output, @"Fitted    .*teacher \d+ \(down to \d+ tokens\)"), status.Output);
        using var store = RunStore.Open(run);
        Assert.Equal(Seeds, store.Loop.TeacherAnswers().Values.Count(a => a.IsComplete));
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("v1")]
    public async Task Azure_openai_answers_on_either_addressing(string addressing)
    {
        Environment.SetEnvironmentVariable("LION_TEST_AZURE_KEY", "azure-secret");
        await using var azure = await AzureOpenAiDouble.StartAsync(new OracleChatClient(new OracleOptions { Seed = 2305 }), "azure-secret", "my-gpt");
        string endpoint = addressing == "classic"
            ? $"{azure.Origin}openai/deployments/my-gpt/chat/completions?api-version=2024-10-21"
            : $"{azure.Origin}openai/v1/";
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", Config(endpoint, model: "my-gpt", key: "LION_TEST_AZURE_KEY"),
            "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.InRange(azure.Answered, 50, int.MaxValue);
        if (addressing == "classic")
            Assert.All(azure.Requests, r =>
            {
                Assert.Equal("/openai/deployments/my-gpt/chat/completions", r.Path);
                Assert.Equal("?api-version=2024-10-21", r.Query);
                Assert.Equal("azure-secret", r.ApiKey);
                Assert.Null(r.Authorization);
            });
        else
            Assert.All(azure.Requests, r => Assert.Equal("/openai/v1/chat/completions", r.Path));
    }

    [Fact]
    public async Task Extra_body_fields_and_headers_reach_every_request_and_a_left_out_temperature_is_not_sent()
    {
        Environment.SetEnvironmentVariable("LION_TEST_TENANT", "tenant-7");
        var recording = new RecordingFilter();
        await using var server = await Serve(recording);
        string teacher = """, "temperature": null, "extra_body": {"reasoning_effort": "low", "chat_template_kwargs": {"enable_thinking": false}}, "headers": {"X-Tenant": "LION_TEST_TENANT"}""";
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString(), teacher: teacher), "--seeds", _http.WriteSeeds(), "--out", run]);

        Assert.True(result.ExitCode == 0, result.Error);
        var teacherRequests = recording.Requests.Where(r => r.Body.Number("top_p") is not null && r.Body.Has("reasoning_effort")).ToList();
        Assert.Equal(Seeds, teacherRequests.Count);
        Assert.All(teacherRequests, r =>
        {
            Assert.False(r.Body.Has("temperature"));
            Assert.Equal("low", r.Body.Root.GetProperty("reasoning_effort").GetString());
            Assert.False(r.Body.Root.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
            Assert.Equal("tenant-7", r.Headers["X-Tenant"]);
        });
        Assert.DoesNotContain(recording.Requests, r => r.Headers.ContainsKey("X-Tenant") && !r.Body.Has("reasoning_effort"));
    }

    [Fact]
    public async Task A_header_whose_variable_is_unset_stops_before_anything_is_asked()
    {
        var recording = new RecordingFilter();
        await using var server = await Serve(recording);
        string teacher = """, "headers": {"X-Tenant": "LION_TEST_UNSET_VARIABLE"}""";

        var result = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString(), teacher: teacher), "--seeds", _http.WriteSeeds(), "--out", _folder.File("run")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("teacher.headers.X-Tenant: the environment variable LION_TEST_UNSET_VARIABLE is not set", result.Error);
        Assert.Empty(recording.Requests);
    }

    [Fact]
    public async Task A_named_key_variable_that_is_unset_stops_before_anything_is_asked()
    {
        var recording = new RecordingFilter();
        await using var server = await Serve(recording);

        var result = await OracleHttpRun.Invoke(["run", "--config", Config(server.BaseUrl.ToString(), key: "LION_TEST_UNSET_KEY"),
            "--seeds", _http.WriteSeeds(), "--out", _folder.File("run")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: teacher.api_key_env: the environment variable LION_TEST_UNSET_KEY is not set (or is empty)", result.Error);
        Assert.Empty(recording.Requests);
    }
}
