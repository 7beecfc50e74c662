using System.Text.Json;
using Lion.Endpoint;
using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Testing;
using Lion.Tests;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Tests.Commands;

/// <summary>
/// `lion run` against models that do not answer in the expected form: junk, replies that never
/// parse, a student endpoint that refuses a question. The run finishes, or stops with exit code 2
/// and a sentence; it never crashes, and its resume never does either.
/// </summary>
public sealed class MessyModelRunTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly OracleHttpRun _http;

    public MessyModelRunTests() => _http = new OracleHttpRun(_folder);

    public void Dispose() => _folder.Dispose();

    /// <summary>The oracle, with the replies of one role rewritten, as a badly behaved model would write them.</summary>
    private sealed class RewritingOracle(string role, Func<string, string> rewrite) : WholeReplyChatClient
    {
        private readonly OracleChatClient _oracle = new(new OracleOptions { Seed = 2305 });

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            string text = list.Last(m => m.Role == ChatRole.User).Text;
            // A referee asked again keeps its request first and adds a reminder after it.
            string asked = list.Any(m => m.Role == ChatRole.User && RefereePrompt.TryParse(m.Text, out _, out _, out _)) ? "referee"
                : GeneratorPrompt.TryParse(text, out _, out _) ? "generator" : "teacher";
            var reply = await _oracle.GetResponseAsync(list, options, cancellationToken);
            return asked != role ? reply : new ChatResponse(new ChatMessage(ChatRole.Assistant, rewrite(reply.Text))) { FinishReason = reply.FinishReason };
        }
    }

    private static Task<TestEndpoint> Serve(IChatClient model) =>
        TestEndpoint.StartAsync(model, new ChatServerOptions { Models = ["lion-oracle"] });

    [Fact]
    public async Task Generator_replies_that_start_with_nul_neither_crash_the_run_nor_its_resume()
    {
        await using var server = await Serve(new RewritingOracle("generator", reply => "\u0000" + reply));
        string run = _folder.File("run");
        string[] command = ["run", "--config", _http.Config(server, iterations: 1), "--seeds", _http.WriteSeeds(), "--out", run];

        var first = await OracleHttpRun.Invoke(command);
        var again = await OracleHttpRun.Invoke(command);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(again.ExitCode == 0, again.Error);
        using var store = RunStore.Open(run);
        Assert.Equal(24, store.Loop.Attempts(1).Count(a => a.Kept));
        Assert.DoesNotContain(store.Loop.Attempts(1), a => a.Candidate?.Contains('\0') == true);
    }

    [Fact]
    public async Task A_paid_model_without_a_price_is_named_in_a_warning_when_the_run_has_no_cost_budget()
    {
        await using var server = await OracleHttpRun.OracleServer();

        var result = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 1), "--seeds", _http.WriteSeeds(), "--out", _folder.File("run")]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("warning: the model \"lion-oracle\" has no price (prices.\"lion-oracle\" in the config): its requests are counted as costing 0.", result.Error);
    }

    [Fact]
    public async Task A_referee_whose_replies_never_parse_stops_the_run_with_exit_2_and_status_shows_the_iteration()
    {
        await using var server = await Serve(new RewritingOracle("referee", _ => "Both answers have their merits; I would not rank them."));
        string run = _folder.File("run");

        var result = await OracleHttpRun.Invoke(["run", "--config", _http.Config(server, iterations: 2), "--seeds", _http.WriteSeeds(), "--out", run]);
        var status = LionInvocation.Run("status", "--out", run);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: iteration 1, discrimination: no verdict: ", result.Error);
        Assert.Contains("without two usable scores (most common: no score line for Assistant 1)", result.Error);
        Assert.DoesNotContain("Done.", result.Output);
        Assert.Contains("discrimination stopped (nothing usable)", status.Output);
        Assert.Matches(@"iteration 1: trained on 45 of 45; not judged yet; unparsed reviews \d+;", status.Output);
        using var store = RunStore.Open(run);
        Assert.Empty(store.Loop.PoolMembers(Pool.Train, 2));
    }

    [Fact]
    public async Task A_student_endpoint_refusing_one_question_leaves_that_answer_out_and_the_run_goes_on()
    {
        // A student served with a small context: one question is over it, and its endpoint says so with a 400.
        await using var student = await TestEndpoint.StartAsync(new RefusingStudent("Bob"), new ChatServerOptions { Models = ["student-model"] });
        string config = _folder.Write("lion.json", $$$"""
            {"iterations": 1, "new_instructions_per_iteration": 4, "concurrency": 4,
             "student": {"kind": "external", "endpoint": "{{{student.BaseUrl}}}", "model": "student-model", "train_command": "true"}}
            """);
        string seeds = _folder.Write("seeds.jsonl",
            "{\"instruction\": \"Question: Ann lies. Bob says Ann lies. Does Bob tell the truth?\"}\n" +
            "{\"instruction\": \"Sort the following words alphabetically: List: pear apple fig\"}\n");
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--config", config, "--seeds", seeds, "--out", run);
        var status = LionInvocation.Run("status", "--out", run);

        Assert.True(result.ExitCode == 0, result.Error);
        var refused = LionInvocation.Run("status", "--out", run, "--refused");
        Assert.Contains("Refused   student 1 ", status.Output);
        // A refusal is the item's result, not a failed request.
        Assert.DoesNotContain("student: 1 failed requests", status.Output);
        Assert.Contains("HTTP 400: the prompt is longer than this model's context", refused.Output);
        using var store = RunStore.Open(run);
        Assert.Single(store.Loop.Verdicts(1));
    }

    /// <summary>A student whose context is too small for questions holding <paramref name="word"/>.</summary>
    private sealed class RefusingStudent(string word) : WholeReplyChatClient
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            string question = messages.Last().Text;
            if (question.Contains(word, StringComparison.Ordinal))
                throw new InvalidRequestException("the prompt is longer than this model's context", "messages");
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "I do not know.")));
        }
    }

    [Fact]
    public async Task A_weak_served_student_as_teacher_referee_and_generator_ends_finished_or_with_exit_2_and_so_does_its_resume()
    {
        string data = _folder.Write("data.jsonl", string.Concat(Enumerable.Range(1, 16).Select(i =>
            $"{{\"instruction\": \"Count to {i}.\", \"output\": \"{string.Join(' ', Enumerable.Range(1, i))}\"}}\n")));
        string model = _folder.File("weak");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", data, "--out", model, "--epochs", "1").ExitCode);
        var serverOutput = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = LionCommand.Create().Parse(["serve", "--model", model, "--port", "0", "--served-model-name", "lion-oracle"])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = serverOutput, Error = serverOutput }, stop.Token);
        string url = await LionInvocation.WaitForUrl(serverOutput);
        // Short answers keep it quick; the referee's long prompts are over the tiny model's context, as real ones can be.
        string config = _folder.Write("lion.json", File.ReadAllText(_http.Config(url, iterations: 1, retry: OracleHttpRun.QuickRetries))
            .Replace("\"max_tokens\": 1024", "\"max_tokens\": 24").Replace("\"max_tokens\": 512", "\"max_tokens\": 24"));
        string run = _folder.File("run");
        string[] command = ["run", "--config", config, "--seeds", _http.WriteSeeds(), "--out", run];

        var first = await OracleHttpRun.Invoke(command);
        var resumed = await OracleHttpRun.Invoke(command);
        stop.Cancel();
        await serving;

        foreach (var result in new[] { first, resumed })
        {
            Assert.Contains(result.ExitCode, new[] { 0, 2 });
            Assert.DoesNotContain("   at ", result.Error);
            if (result.ExitCode == 2)
                Assert.Matches(@"^(warning: .*\n)*error: iteration \d, \w+: ", result.Error);
        }
    }

    [Fact]
    public void A_run_against_the_chatty_oracle_finishes_and_counts_what_it_unwrapped()
    {
        string config = _folder.Write("lion.json", """{"iterations": 2, "new_instructions_per_iteration": 24, "concurrency": 8, "oracle": {"style": "chatty"}}""");
        string run = _folder.File("run");

        var result = LionInvocation.Run("run", "--preset", "smoke", "--config", config, "--out", run);
        var status = LionInvocation.Run("status", "--out", run, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(status.Output);
        var first = json.RootElement.GetProperty("results")[0];
        Assert.Equal(24, first.GetProperty("kept").GetInt32());
        Assert.True(first.GetProperty("unwrapped").GetInt32() > 0);
    }
}
