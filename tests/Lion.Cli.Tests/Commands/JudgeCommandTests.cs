using System.CommandLine;
using System.Text.Json;
using Lion.Endpoint;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Testing;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

/// <summary>`lion eval judge` with the oracle as judge, on questions of the oracle's own tasks written here.</summary>
public sealed class JudgeCommandTests : IDisposable
{
    private static readonly (string Category, string Question, string Right, string Wrong)[] Items =
    [
        ("logic", "not ( True ) and ( True ) is", "False", "True"),
        ("logic", "True or ( False and True ) is", "True", "False"),
        ("math", "((-1 + 2) * (3 - -4)) =", "7", "5"),
        ("math", "((4 * 5) - (6 + 2)) =", "12", "14"),
        ("math", "((9 - 3) + (2 * -2)) =", "2", "10"),
        ("logic", "not not ( False ) or False is", "False", "True"),
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Questions() => _folder.Write("question.jsonl", string.Concat(Items.Select((item, i) =>
        JsonSerializer.Serialize(new { question_id = i + 1, category = item.Category, turns = new[] { item.Question } }) + "\n")));

    /// <summary>The candidate's answers as FastChat writes them; the reference's as `lion generate` does.</summary>
    private (string Candidate, string Reference) Answers(bool candidateRight) =>
        (_folder.Write("candidate.jsonl", string.Concat(Items.Select((item, i) => JsonSerializer.Serialize(new
            {
                question_id = i + 1, model_id = "student", choices = new[] { new { index = 0, turns = new[] { candidateRight ? item.Right : item.Wrong } } },
            }) + "\n"))),
         _folder.Write("reference.jsonl", string.Concat(Items.Select(item =>
            JsonSerializer.Serialize(new { instruction = item.Question, input = "", output = candidateRight ? item.Wrong : item.Right }) + "\n"))));

    private static async Task<LionInvocation> Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await LionCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new LionInvocation(code, output.ToString(), error.ToString());
    }

    private static JsonElement LastJson(LionInvocation result)
    {
        using var document = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
        return document.RootElement.Clone();
    }

    private static JsonElement Category(JsonElement summary, string name) =>
        summary.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("category").GetString() == name);

    [Fact]
    public async Task The_oracle_as_judge_ranks_a_correct_candidate_above_a_wrong_reference()
    {
        var (candidate, reference) = Answers(candidateRight: true);
        string run = _folder.File("run");

        var result = await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", reference, "--run", run);

        Assert.True(result.ExitCode == 0, result.Error);
        var all = Category(LastJson(result), "all");
        Assert.True(all.GetProperty("relative_score").GetDouble() > 1.5);
        Assert.Equal((6, 0, 0), (all.GetProperty("wins").GetInt32(), all.GetProperty("ties").GetInt32(), all.GetProperty("losses").GetInt32()));
        Assert.Equal(0, all.GetProperty("flip_share").GetDouble());
        Assert.Equal(3, Category(LastJson(result), "math").GetProperty("wins").GetInt32());
    }

    [Fact]
    public async Task A_wrong_candidate_loses_every_question()
    {
        var (candidate, reference) = Answers(candidateRight: false);

        var result = await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", reference, "--run", _folder.File("run"));

        var all = Category(LastJson(result), "all");
        Assert.True(all.GetProperty("relative_score").GetDouble() < 0.7);
        Assert.Equal(6, all.GetProperty("losses").GetInt32());
    }

    [Fact]
    public async Task The_result_is_kept_in_the_run_and_a_second_judging_is_answered_from_its_cache()
    {
        var (candidate, reference) = Answers(candidateRight: true);
        string run = _folder.File("run");
        string[] args = ["eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", reference, "--run", run, "--json"];

        var first = await Invoke(args);
        var second = await Invoke(args);

        Assert.Equal(first.Output, second.Output);
        using var store = RunStore.Open(run);
        Assert.Equal(2, store.Evaluations.Judgements().Count);
        var usage = store.Summary.UsageByRole().Single(u => u.Role == "judge");
        Assert.Equal((12L, 12L), (usage.Paid, usage.Cached));
    }

    [Fact]
    public async Task The_runs_report_shows_the_judgement_per_category()
    {
        var (candidate, reference) = Answers(candidateRight: true);
        string run = _folder.File("run");
        await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", reference, "--run", run);

        Assert.Equal(0, LionInvocation.Run("report", "--out", run).ExitCode);

        string html = File.ReadAllText(Path.Combine(run, "report", "index.html"));
        Assert.Contains("<h2>Pairwise judgements</h2>", html);
        Assert.Contains("<td>math</td><td>3</td><td>0</td>", html);
    }

    [Fact]
    public async Task Through_a_faulty_endpoint_the_judge_completes_and_lists_every_missing_verdict()
    {
        await using var server = await TestEndpoint.StartAsync(new OracleChatClient(), new ChatServerOptions { Models = ["lion-oracle"] },
            new FaultPlan { ServerError = 0.1, MalformedJson = 0.1, EmptyContent = 0.15, Truncated = 0.15, RetryAfter = TimeSpan.FromMilliseconds(20), Seed = 4 });
        var (candidate, reference) = Answers(candidateRight: true);
        string verdicts = _folder.File("verdicts.jsonl");

        var result = await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", reference,
            "--run", _folder.File("run"), "--endpoint", server.BaseUrl.ToString(), "--model", "lion-oracle", "--api-key-env", "PATH",
            "--max-attempts", "1", "--verdicts", verdicts);

        Assert.True(result.ExitCode == 0, result.Error);
        var all = Category(LastJson(result), "all");
        int missing = all.GetProperty("missing").GetInt32();
        Assert.Equal(6, all.GetProperty("judged").GetInt32() + missing);
        Assert.True(missing > 0, "the injected empty and truncated replies should leave verdicts missing");
        var missingIds = LastJson(result).GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("question_id").GetString()).ToList();
        Assert.Equal(missing, missingIds.Count);
        Assert.All(missingIds, id => Assert.Contains($"missing verdict, question {id}:", result.Output));
        var lines = File.ReadAllLines(verdicts).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(missing, lines.Count(l => l.GetProperty("missing").GetArrayLength() > 0));
        Assert.All(lines.Where(l => l.GetProperty("missing").GetArrayLength() > 0),
            l => Assert.True(l.GetProperty("candidate_first").ValueKind == JsonValueKind.Null || l.GetProperty("reference_first").ValueKind == JsonValueKind.Null));
    }

    [Fact]
    public async Task A_run_budget_too_small_for_the_judge_stops_it_with_exit_code_2()
    {
        var (candidate, reference) = Answers(candidateRight: true);
        string run = _folder.File("run");
        string config = _folder.Write("lion.json", """{"budget": {"max_tokens": 100}}""");
        Assert.Equal(0, LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "Seed.\n"), "--out", run, "--config", config).ExitCode);

        var result = await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", reference, "--run", run);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Stopped at the run's budget", result.Error);
    }

    [Fact]
    public async Task Only_the_questions_both_files_answer_are_judged_and_the_coverage_is_reported()
    {
        var (candidate, _) = Answers(candidateRight: true);
        string partial = _folder.Write("partial.jsonl", """{"question_id": 1, "text": "False"}""" + "\n" + """{"question_id": 3, "text": "5"}""" + "\n");

        var result = await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", partial, "--run", _folder.File("run"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Coverage: 2 of 6 questions are answered in both files and judged; 0 lack a candidate answer, 4 a reference answer.", result.Output);
        var coverage = LastJson(result).GetProperty("coverage");
        Assert.Equal(2, coverage.GetProperty("judged_questions").GetInt32());
        Assert.Equal(["2", "4", "5", "6"], coverage.GetProperty("uncovered").EnumerateArray().Select(id => id.GetString()!));
        Assert.Equal(2, Category(LastJson(result), "all").GetProperty("questions").GetInt32());
    }

    [Fact]
    public async Task Answer_files_with_no_question_in_common_are_refused_and_nothing_is_judged()
    {
        var (candidate, _) = Answers(candidateRight: true);
        string other = _folder.Write("other.jsonl", """{"question_id": 99, "text": "False"}""" + "\n");

        var result = await Invoke("eval", "judge", "--questions", Questions(), "--candidate", candidate, "--reference", other, "--run", _folder.File("run"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("answer none of the same questions", result.Error);
        Assert.False(Directory.Exists(_folder.File("run")));
    }
}
