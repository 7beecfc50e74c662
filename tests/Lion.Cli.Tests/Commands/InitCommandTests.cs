using System.Text;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class InitCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Run => _folder.File("run");

    [Fact]
    public void Init_creates_the_run_and_reports_what_it_imported()
    {
        string seeds = _folder.Write("seeds.txt", "One.\nTwo.\nOne.\n");

        var result = LionInvocation.Run("init", "--seeds", seeds, "--out", Run);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 records", result.Output);
        Assert.Contains("2 instructions, 1 exact duplicates merged", result.Output);
        Assert.True(File.Exists(Path.Combine(Run, "lion.db")));
    }

    public static TheoryData<string, byte[], string> BadSeedFiles => new()
    {
        { "malformed.json", Utf8("[\n{\"instruction\": \"a\"},\n{\"instruction\": }\n]"), "malformed.json:3: malformed JSON" },
        { "missing.jsonl", Utf8("{\"instruction\": \"a\"}\n{\"input\": \"b\"}\n"), "missing.jsonl:2: field \"instruction\" is missing" },
        { "empty-field.json", Utf8("[{\"instruction\": \"\"}]"), "empty-field.json:1: field \"instruction\" is empty" },
        { "types.json", Utf8("[\n{\"instruction\": \"a\", \"input\": 7}\n]"), "types.json:2: field \"input\" must be a string, found a number" },
        { "latin1.txt", [.. Utf8("ok\ncaf"), 0xE9, .. Utf8("\n")], "latin1.txt:2: invalid UTF-8" },
        { "bom.json", [0xEF, 0xBB, 0xBF, .. Utf8("[{\"instruction\": \"a\"}]")], "bom.json:1: the file starts with a UTF-8 byte-order mark" },
        { "long.txt", Utf8("a\n" + new string('x', (1 << 20) + 1)), "long.txt:2: the line is 1048577 bytes long" },
        { "empty.json", [], "empty.json: the file is empty" },
    };

    [Theory]
    [MemberData(nameof(BadSeedFiles))]
    public void Bad_seeds_exit_1_with_file_and_line_and_create_nothing(string name, byte[] content, string message)
    {
        string seeds = _folder.Write(name, content);

        var result = LionInvocation.Run("init", "--seeds", seeds, "--out", Run);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {_folder.File(message)}", result.Error);
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public void A_missing_seed_file_exits_1_naming_it()
    {
        var result = LionInvocation.Run("init", "--seeds", _folder.File("absent.json"), "--out", Run);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {_folder.File("absent.json")}: no such file", result.Error.Trim());
    }

    [Theory]
    [InlineData("[{\"instruction\": 1}]")]
    [InlineData("[{\"instruction\": \"New and valid.\"}]")]
    public void Init_over_an_existing_run_exits_1_and_leaves_its_store_untouched(string secondSeeds)
    {
        LionInvocation.Run("init", "--seeds", _folder.Write("first.txt", "Original."), "--out", Run);
        byte[] before = File.ReadAllBytes(Path.Combine(Run, "lion.db"));

        var result = LionInvocation.Run("init", "--seeds", _folder.Write("second.json", secondSeeds), "--out", Run);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Run, "lion.db")));
    }

    [Fact]
    public void A_malformed_config_exits_1_and_creates_nothing()
    {
        string seeds = _folder.Write("seeds.txt", "One.");
        string config = _folder.Write("lion.json", "{\n \"iterations\": ,\n}");

        var result = LionInvocation.Run("init", "--seeds", seeds, "--out", Run, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {config}:2: malformed JSON", result.Error);
        Assert.False(Directory.Exists(Run));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("""{"prompts": {"referee": "no-such-template.txt"}}""", "prompts.referee: no such file no-such-template.txt")]
    [InlineData("""{"evaluation": {"bbh_data": "no-such-folder"}}""", "evaluation.bbh_data: no such folder")]
    public void A_config_naming_a_missing_file_makes_no_run_and_names_the_config_and_the_key(string json, string message)
    {
        string config = _folder.Write("lion.json", json);
        string run = _folder.File("run");

        var result = LionInvocation.Run("init", "--seeds", _folder.Write("seeds.txt", "One.\nTwo.\n"), "--out", run, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {config}: {message}", result.Error.Trim());
        Assert.False(Directory.Exists(run));
    }
}
