using System.Text.Json;
using Lion.Endpoint;
using Lion.Oracle;
using Lion.Testing;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class EvalCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string HandWritten => Path.Combine(AppContext.BaseDirectory, "bbh-format");

    private string TrainedStudent()
    {
        string data = _folder.Write("train.jsonl", "{\"instruction\": \"not ( True ) and ( True ) is\", \"output\": \"False\"}\n");
        string model = _folder.File("student");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", data, "--out", model, "--epochs", "1").ExitCode);
        return model;
    }

    [Fact]
    public void Eval_bbh_scores_every_task_file_and_prints_a_table_and_json()
    {
        string model = TrainedStudent();
        string replies = _folder.File("replies.jsonl");

        var result = LionInvocation.Run("eval", "bbh", "--model", model, "--data", HandWritten, "--max-new-tokens", "4", "--replies", replies);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("average over tasks", result.Output);
        using var json = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
        var tasks = json.RootElement.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(Directory.GetFiles(HandWritten).Length, tasks.Count);
        Assert.InRange(json.RootElement.GetProperty("average").GetDouble(), 0, 1);
        Assert.Equal(tasks.Sum(t => t.GetProperty("items").GetInt32()), File.ReadAllLines(replies).Length);
    }

    [Fact]
    public async Task Eval_bbh_scores_a_model_behind_an_endpoint_and_the_oracle_gets_everything_right()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["lion-oracle"] });

        var result = LionInvocation.Run("eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--endpoint-model", "lion-oracle",
            "--data", HandWritten, "--json", "--run", _folder.File("run"));

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(1.0, json.RootElement.GetProperty("average").GetDouble());
    }

    [Fact]
    public async Task Without_a_model_name_the_endpoints_only_model_is_asked()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["served-under-its-own-name"] });

        var result = LionInvocation.Run("eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--data", HandWritten, "--json", "--run", _folder.File("run"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(1.0, JsonDocument.Parse(result.Output).RootElement.GetProperty("average").GetDouble());
    }

    [Fact]
    public async Task An_endpoint_serving_several_models_needs_one_named_and_lists_them()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["one", "two"] });

        var result = LionInvocation.Run("eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--data", HandWritten, "--run", _folder.File("run"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("several models (one, two); choose one with --endpoint-model", result.Error);
        Assert.Equal(0, server.Log.DistinctAnswered);
    }

    [Fact]
    public async Task Eval_bbh_through_an_endpoint_goes_through_the_runs_gateway_so_a_repeat_costs_no_request()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["lion-oracle"] });
        string[] args = ["eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--endpoint-model", "lion-oracle", "--data", HandWritten, "--json", "--run", _folder.File("run")];

        var first = LionInvocation.Run(args);
        long received = server.Log.Received;
        var second = LionInvocation.Run(args);

        Assert.Equal(first.Output, second.Output);
        Assert.Equal(received, server.Log.Received);
        using var store = Lion.Core.Store.RunStore.Open(_folder.File("run"));
        var usage = store.Summary.UsageByRole().Single(u => u.Role == "evaluated");
        Assert.Equal(usage.Paid, usage.Cached);
        Assert.Equal(received, usage.Paid);
    }

    [Fact]
    public async Task The_result_is_kept_in_the_run_and_its_report_shows_it()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["lion-oracle"] });
        string run = _folder.File("run");
        LionInvocation.Run("eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--endpoint-model", "lion-oracle", "--data", HandWritten, "--run", run);

        Assert.Equal(0, LionInvocation.Run("report", "--out", run).ExitCode);

        using (var store = Lion.Core.Store.RunStore.Open(run))
            Assert.Equal("bbh", Assert.Single(store.Evaluations.BenchmarkResults()).Benchmark);
        string html = File.ReadAllText(Path.Combine(run, "report", "index.html"));
        Assert.Contains("<h2>Benchmark evaluations</h2>", html);
        Assert.Contains("bbh of lion-oracle at", html);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_the_key_stops_the_evaluation_with_exit_code_2()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["lion-oracle"], ApiKey = "sk-right" });

        var result = LionInvocation.Run("eval", "bbh", "--endpoint", server.BaseUrl.ToString(), "--endpoint-model", "lion-oracle",
            "--api-key-env", "PATH", "--data", HandWritten, "--run", _folder.File("run"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("refuses", result.Error);
    }

    [Fact]
    public void Eval_bbh_needs_exactly_one_of_model_and_endpoint()
    {
        var result = LionInvocation.Run("eval", "bbh", "--data", HandWritten);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("give either --model DIR or --endpoint URL", result.Error);
    }

    [Fact]
    public void Eval_agieval_scores_each_file_of_the_folder()
    {
        string data = _folder.File("agieval");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "sat-math.jsonl"),
            "{\"passage\": null, \"question\": \"If 2x = 6, what is x?\", \"options\": [\"(A)2\", \"(B)3\"], \"label\": \"B\"}\n");
        File.WriteAllText(Path.Combine(data, "logiqa-en.jsonl"),
            "{\"passage\": \"All cats purr.\", \"question\": \"Does Tom purr?\", \"options\": [\"(A)yes\", \"(B)no\"], \"label\": \"A\"}\n");

        var result = LionInvocation.Run("eval", "agieval", "--model", TrainedStudent(), "--data", data, "--json", "--max-new-tokens", "3");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(["logiqa-en", "sat-math"], json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task").GetString()));
    }

    [Fact]
    public void Eval_agieval_on_agievals_own_folder_takes_the_english_multiple_choice_files_and_names_the_rest()
    {
        string data = _folder.File("v1");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "sat-math.jsonl"),
            "{\"passage\": null, \"question\": \"If 2x = 6, what is x?\", \"options\": [\"(A)2\", \"(B)3\"], \"label\": \"B\"}\n");
        // Cloze and Chinese files sit beside them: no options, other languages.
        File.WriteAllText(Path.Combine(data, "math.jsonl"), "{\"passage\": null, \"question\": \"What is 1+1?\", \"options\": null, \"label\": null, \"answer\": \"2\"}\n");
        File.WriteAllText(Path.Combine(data, "gaokao-chinese.jsonl"), "{\"passage\": \"文章\", \"question\": \"问题？\", \"options\": [\"(A)甲\", \"(B)乙\"], \"label\": \"A\"}\n");

        var result = LionInvocation.Run("eval", "agieval", "--model", TrainedStudent(), "--data", data, "--json", "--max-new-tokens", "3");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(["sat-math"], json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task").GetString()));
        Assert.Contains("Skipped 2 files that are not AGIEval's English multiple-choice tasks: gaokao-chinese.jsonl, math.jsonl", result.Error);
    }

    [Fact]
    public void Generate_answers_an_mt_bench_question_file_in_fastchats_answer_format_which_the_judge_reads()
    {
        string questions = _folder.Write("question.jsonl",
            "{\"question_id\": 81, \"category\": \"writing\", \"turns\": [\"Write a haiku about lions.\", \"Now about tigers.\"]}\n" +
            "{\"question_id\": 82, \"category\": \"math\", \"turns\": [\"What is 3 + 4?\"]}\n");
        string answers = _folder.File("answers.jsonl");

        var result = LionInvocation.Run("generate", "--model", TrainedStudent(), "--prompts", questions, "--out", answers, "--max-new-tokens", "4", "--model-id", "lion-7b");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = File.ReadAllLines(answers).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([81, 82], lines.Select(l => l.GetProperty("question_id").GetInt32()));
        Assert.All(lines, l => Assert.Equal("lion-7b", l.GetProperty("model_id").GetString()));
        Assert.All(lines, l => Assert.Equal(JsonValueKind.String, l.GetProperty("choices")[0].GetProperty("turns")[0].ValueKind));
        var read = Lion.Core.Evaluation.JudgeAnswerFile.Read(answers);
        var asked = Lion.Core.Evaluation.JudgeQuestionFile.Read(questions);
        Assert.Equal(lines[0].GetProperty("choices")[0].GetProperty("turns")[0].GetString(), read.For(asked[0]));
    }

    [Fact]
    public void Eval_bbh_takes_only_the_named_tasks()
    {
        var result = LionInvocation.Run("eval", "bbh", "--model", TrainedStudent(), "--data", HandWritten, "--tasks", "navigate", "--json", "--max-new-tokens", "2");

        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(["navigate"], json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task").GetString()));
    }
}
