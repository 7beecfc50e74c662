using System.Text.Json;
using Lion.Core;
using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class ExportCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Run => _folder.File("run");

    private const string AwkwardAlpaca = """
        [
          {"instruction": "Traduis « bonjour » en 日本語 🦁", "input": "", "output": "こんにちは\n\n— fin"},
          {"instruction": "Fix:", "input": "if (x) {\n\tprint(\"hi\\n\")\r\n}", "output": "Use \\\\ and \"quotes\"."},
          {"instruction": "Empty answer", "input": "", "output": ""},
          {"instruction": "No answer yet", "input": "  spaced  "}
        ]
        """;

    [Theory]
    [InlineData("alpaca", "out.json")]
    [InlineData("jsonl", "out.jsonl")]
    public void Import_then_export_keeps_every_field_exactly(string format, string name)
    {
        string seeds = _folder.Write("seeds.json", AwkwardAlpaca);
        Assert.Equal(0, LionInvocation.Run("init", "--seeds", seeds, "--out", Run).ExitCode);
        string exported = _folder.File(name);

        var result = LionInvocation.Run("export", "--out", Run, "--format", format, "--to", exported, "--all");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(SeedFileReader.Read(seeds).Records, SeedFileReader.Read(exported).Records);
    }

    [Fact]
    public void Export_writes_to_standard_output_without_to()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "First.\nSecond."), "--out", Run);

        var result = LionInvocation.Run("export", "--out", Run, "--format", "sharegpt", "--all");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal(2, document.RootElement.GetArrayLength());
        Assert.Equal("Second.", document.RootElement[1].GetProperty("conversations")[0].GetProperty("value").GetString());
    }

    [Fact]
    public void By_default_alpaca_and_sharegpt_hold_only_answered_records_and_jsonl_holds_all_with_their_state()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.json", AwkwardAlpaca), "--out", Run);

        int Count(string format) => JsonDocument.Parse(LionInvocation.Run("export", "--out", Run, "--format", format).Output).RootElement.GetArrayLength();
        var lines = LionInvocation.Run("export", "--out", Run, "--format", "jsonl").Output.Trim().Split('\n')
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("state").GetString()).ToList();

        Assert.Equal((2, 2), (Count("alpaca"), Count("sharegpt")));
        Assert.Equal(["seed", "seed", "empty", "not_asked"], lines);
    }

    [Fact]
    public void A_jsonl_export_is_not_registered_as_a_training_set()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.json", AwkwardAlpaca), "--out", Run);

        var result = LionInvocation.Run("export", "--out", Run, "--format", "jsonl", "--to", _folder.File("data.jsonl"), "--dataset-info");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("a jsonl export keeps every record, answered or not", result.Error);
        Assert.False(File.Exists(_folder.File("dataset_info.json")));
    }

    [Theory]
    [InlineData("alpaca", "data.json")]
    [InlineData("sharegpt", "data.json")]
    public void An_export_of_a_finished_run_is_read_by_lion_train(string format, string name)
    {
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", Run).ExitCode);
        string exported = _folder.File(name);
        Assert.Equal(0, LionInvocation.Run("export", "--out", Run, "--format", format, "--to", exported).ExitCode);

        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", exported, "--out", _folder.File("student"), "--epochs", "1", "--max-length", "64");

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("Saved", trained.Output);
    }

    [Fact]
    public void Json_lines_carry_each_records_origin_iteration_parent_and_latest_verdict()
    {
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", Run).ExitCode);

        var records = LionInvocation.Run("export", "--out", Run, "--format", "jsonl").Output.Trim().Split('\n')
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();

        var seed = records.First(r => r.GetProperty("origin").GetString() == "seed");
        var hard = records.First(r => r.GetProperty("origin").GetString() == "hard");
        Assert.Equal(1, seed.GetProperty("iteration").GetInt32());
        Assert.Equal(JsonValueKind.Null, seed.GetProperty("parent_id").ValueKind);
        Assert.Equal(3, seed.GetProperty("verdict_iteration").GetInt32());
        Assert.Contains(seed.GetProperty("verdict").GetString(), new[] { "hard", "easy" });
        Assert.Equal(seed.GetProperty("teacher_score").GetDouble() - seed.GetProperty("student_score").GetDouble(), seed.GetProperty("gap").GetDouble(), 6);
        Assert.StartsWith("lion-", hard.GetProperty("parent_id").GetString());
        Assert.InRange(hard.GetProperty("iteration").GetInt32(), 2, 4);
    }

    [Fact]
    public void Dpo_pairs_are_the_hard_verdicts_with_the_stored_teacher_and_student_answers_and_scores()
    {
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", Run).ExitCode);
        string exported = _folder.File("pairs.json");

        var result = LionInvocation.Run("export", "--out", Run, "--format", "dpo", "--to", exported, "--dataset-info");

        Assert.True(result.ExitCode == 0, result.Error);
        var pairs = JsonDocument.Parse(File.ReadAllText(exported)).RootElement.EnumerateArray().ToList();
        using var store = Lion.Core.Store.RunStore.Open(Run);
        int hard = Enumerable.Range(1, 3).Sum(i => store.Loop.Verdicts(i).Count(v => v.Label == VerdictLabel.Hard));
        Assert.Equal(hard, pairs.Count);
        var teacher = store.Loop.TeacherAnswers();
        foreach (var pair in pairs)
        {
            long id = long.Parse(pair.GetProperty("id").GetString()!["lion-".Length..]);
            int iteration = pair.GetProperty("iteration").GetInt32();
            var verdict = store.Loop.Verdicts(iteration).Single(v => v.InstructionId == id);
            Assert.Equal(VerdictLabel.Hard, verdict.Label);
            Assert.Equal(teacher[id].Text, pair.GetProperty("chosen").GetString());
            Assert.Equal(store.Loop.StudentAnswers(iteration)[id], pair.GetProperty("rejected").GetString());
            Assert.Equal((verdict.TeacherScore, verdict.StudentScore, verdict.Gap),
                (pair.GetProperty("teacher_score").GetDouble(), pair.GetProperty("student_score").GetDouble(), pair.GetProperty("gap").GetDouble()));
        }
        var info = JsonDocument.Parse(File.ReadAllText(_folder.File("dataset_info.json"))).RootElement.GetProperty("pairs");
        Assert.Equal("pairs.json", info.GetProperty("file_name").GetString());
        Assert.True(info.GetProperty("ranking").GetBoolean());
        Assert.Equal("chosen", info.GetProperty("columns").GetProperty("chosen").GetString());
    }

    [Fact]
    public void The_dataset_info_entry_joins_the_entries_already_there()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.json", AwkwardAlpaca), "--out", Run);
        File.WriteAllText(_folder.File("dataset_info.json"), """{"mine": {"file_name": "mine.json"}}""");

        var result = LionInvocation.Run("export", "--out", Run, "--format", "sharegpt", "--to", _folder.File("lion.json"), "--dataset-info");

        Assert.True(result.ExitCode == 0, result.Error);
        var info = JsonDocument.Parse(File.ReadAllText(_folder.File("dataset_info.json"))).RootElement;
        Assert.Equal("mine.json", info.GetProperty("mine").GetProperty("file_name").GetString());
        Assert.Equal("sharegpt", info.GetProperty("lion").GetProperty("formatting").GetString());
    }

    [Fact]
    public void Export_from_a_folder_that_is_not_a_run_exits_1()
    {
        Directory.CreateDirectory(Run);

        var result = LionInvocation.Run("export", "--out", Run, "--format", "jsonl");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {Run}: not a lion run folder", result.Error);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var result = LionInvocation.Run("export", "--out", Run, "--format", "xml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("xml", result.Error);
    }

    [Fact]
    public void A_messages_export_is_one_conversation_a_line_registered_for_llama_factory_and_read_by_lion_train()
    {
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", Run).ExitCode);
        string exported = _folder.File("chat.jsonl");

        var result = LionInvocation.Run("export", "--out", Run, "--format", "messages", "--to", exported, "--dataset-info");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = File.ReadAllLines(exported).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var alpaca = JsonDocument.Parse(LionInvocation.Run("export", "--out", Run, "--format", "alpaca").Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(alpaca.Count, lines.Count);
        Assert.All(lines.Zip(alpaca), pair =>
        {
            var messages = pair.First.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
            Assert.Equal(pair.Second.GetProperty("output").GetString(), messages[1].GetProperty("content").GetString());
        });
        var info = JsonDocument.Parse(File.ReadAllText(_folder.File("dataset_info.json"))).RootElement.GetProperty("chat");
        Assert.Equal(("sharegpt", "messages"), (info.GetProperty("formatting").GetString(), info.GetProperty("columns").GetProperty("messages").GetString()));
        Assert.Equal(alpaca.Count, SeedFileReader.Read(exported).Records.Count(r => r.Output is not null));
    }

    [Fact]
    public void A_dpo_messages_export_is_trls_conversational_preference_form()
    {
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", Run).ExitCode);

        var result = LionInvocation.Run("export", "--out", Run, "--format", "dpo-messages");
        var refused = LionInvocation.Run("export", "--out", Run, "--format", "dpo-messages", "--to", _folder.File("pairs.jsonl"), "--dataset-info");

        Assert.True(result.ExitCode == 0, result.Error);
        var pairs = result.Output.Trim().Split('\n').Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var flat = JsonDocument.Parse(LionInvocation.Run("export", "--out", Run, "--format", "dpo").Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(flat.Count, pairs.Count);
        Assert.All(pairs.Zip(flat), pair =>
        {
            Assert.Equal("user", pair.First.GetProperty("prompt")[0].GetProperty("role").GetString());
            Assert.Equal(pair.Second.GetProperty("prompt").GetString(), pair.First.GetProperty("prompt")[0].GetProperty("content").GetString());
            Assert.Equal(pair.Second.GetProperty("chosen").GetString(), pair.First.GetProperty("chosen")[0].GetProperty("content").GetString());
            Assert.Equal(pair.Second.GetProperty("rejected").GetString(), pair.First.GetProperty("rejected")[0].GetProperty("content").GetString());
            Assert.Equal("assistant", pair.First.GetProperty("rejected")[0].GetProperty("role").GetString());
        });
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("LLaMA-Factory reads preference pairs as --format dpo", refused.Error);
    }

    [Fact]
    public void An_export_to_a_place_that_cannot_be_written_names_the_file_asked_for()
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("seeds.json", AwkwardAlpaca), "--out", Run);
        string target = Path.Combine(_folder.File("no-such-folder"), "data.json");

        var result = LionInvocation.Run("export", "--out", Run, "--format", "alpaca", "--to", target);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(target, result.Error);
        Assert.DoesNotContain(".partial", result.Error);
    }
}
