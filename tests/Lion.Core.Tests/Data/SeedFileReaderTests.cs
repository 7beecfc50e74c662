using System.Text;
using Lion.Core;
using Lion.Core.Data;
using Lion.Tests;

namespace Lion.Core.Tests.Data;

public sealed class SeedFileReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Reads_an_alpaca_array_with_optional_input_and_output()
    {
        string path = _folder.Write("seeds.json", """
            [
              {"instruction": "Name a colour.", "input": "", "output": "Blue."},
              {"instruction": "Add the numbers.", "input": "2 3"},
              {"instruction": "Say hi.", "input": null, "output": null}
            ]
            """);

        var seeds = SeedFileReader.Read(path);

        Assert.Equal(SeedFormat.AlpacaJson, seeds.Format);
        Assert.Equal(
            [
                new InstructionRecord("Name a colour.", "", "Blue."),
                new InstructionRecord("Add the numbers.", "2 3", null),
                new InstructionRecord("Say hi.", "", null),
            ],
            seeds.Records);
    }

    [Fact]
    public void Skips_fields_it_does_not_know()
    {
        string path = _folder.Write("dolly.json",
            """[{"instruction": "Why?", "context": {"nested": [1, 2]}, "category": "open_qa", "output": "Because."}]""");

        Assert.Equal(new InstructionRecord("Why?", "", "Because."), SeedFileReader.Read(path).Records.Single());
    }

    [Fact]
    public void Reads_json_lines_and_skips_blank_lines()
    {
        string path = _folder.Write("seeds.jsonl",
            "{\"instruction\": \"One\"}\n\n{\"instruction\": \"Two\", \"input\": \"x\"}\r\n   \n");

        var seeds = SeedFileReader.Read(path);

        Assert.Equal(SeedFormat.JsonLines, seeds.Format);
        Assert.Equal([new InstructionRecord("One"), new InstructionRecord("Two", "x")], seeds.Records);
    }

    [Fact]
    public void Reads_plain_text_as_one_instruction_per_line()
    {
        string path = _folder.Write("seeds.txt", "Write a haiku.\r\n\n[Not JSON] list three primes\n{also text}");

        var seeds = SeedFileReader.Read(path);

        Assert.Equal(SeedFormat.PlainText, seeds.Format);
        Assert.Equal(["Write a haiku.", "[Not JSON] list three primes", "{also text}"],
            seeds.Records.Select(r => r.Instruction));
        Assert.All(seeds.Records, r => Assert.Null(r.Output));
    }

    [Fact]
    public void Detects_the_format_from_the_content_when_the_extension_says_nothing()
    {
        Assert.Equal(SeedFormat.AlpacaJson, SeedFileReader.Read(_folder.Write("a.data", "  [{\"instruction\": \"x\"}]")).Format);
        Assert.Equal(SeedFormat.JsonLines, SeedFileReader.Read(_folder.Write("b.json", "{\"instruction\": \"x\"}")).Format);
        Assert.Equal(SeedFormat.PlainText, SeedFileReader.Read(_folder.Write("c", "just words")).Format);
    }

    [Fact]
    public void Keeps_duplicates_for_the_store_to_merge_and_count()
    {
        string path = _folder.Write("seeds.txt", "same\nsame\nother\n");

        Assert.Equal(3, SeedFileReader.Read(path).Records.Count);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        string path = _folder.Write("seeds.json", "[\n  {\"instruction\": \"ok\"},\n  {\"instruction\" \"no colon\"}\n]");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:3: malformed JSON", error.Message);
    }

    [Fact]
    public void Malformed_json_lines_names_the_line()
    {
        string path = _folder.Write("seeds.jsonl", "{\"instruction\": \"a\"}\n{\"instruction\": \"b\"\n");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:2: malformed JSON", error.Message);
    }

    [Fact]
    public void A_missing_instruction_names_the_line_and_field()
    {
        string path = _folder.Write("seeds.json", "[\n  {\"instruction\": \"a\"},\n  {\"input\": \"b\"}\n]");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:3: field \"instruction\" is missing (a record is {{instruction, input?, output?}}", error.Message);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    [InlineData("\"\\u0000\\u0007 \"")]
    public void An_empty_instruction_is_refused(string value)
    {
        string path = _folder.Write("seeds.jsonl", $"{{\"instruction\": \"a\"}}\n{{\"instruction\": {value}}}\n");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:2: field \"instruction\"", error.Message);
    }

    [Fact]
    public void A_self_instruct_seed_task_keeps_its_first_instance_and_says_what_it_dropped()
    {
        string path = _folder.Write("seed_tasks.jsonl",
            "{\"id\": \"seed_task_0\", \"name\": \"pairs\", \"instruction\": \"What is the relation between the given pairs?\", " +
            "\"instances\": [{\"input\": \"Night : Day :: Right : Left\", \"output\": \"The relation is opposites.\"}, " +
            "{\"input\": \"Up : Down\", \"output\": \"Opposites.\"}], \"is_classification\": false}\n" +
            "{\"id\": \"seed_task_1\", \"name\": \"poem\", \"instruction\": \"Write a two-line poem about rain.\", " +
            "\"instances\": [{\"input\": \"\", \"output\": \"Rain on the roof,\\nsoft and aloof.\"}], \"is_classification\": false}\n");

        var file = SeedFileReader.Read(path);

        Assert.Equal(
            [new InstructionRecord("What is the relation between the given pairs?", "Night : Day :: Right : Left", "The relation is opposites."),
             new InstructionRecord("Write a two-line poem about rain.", "", "Rain on the roof,\nsoft and aloof.")],
            file.Records);
        Assert.Equal(new Dictionary<string, int> { ["id"] = 2, ["name"] = 2, ["is_classification"] = 2, ["instances after the first"] = 1 },
            file.Dropped.Counts);
        Assert.Contains($"warning: {path}: instances after the first dropped from 1 record (lion keeps instruction, input and output)",
            file.Dropped.Warnings(path));
    }

    [Fact]
    public void A_task_with_instances_but_no_instruction_is_refused_by_line_and_field()
    {
        string path = _folder.Write("tasks.jsonl", "{\"instruction\": \"ok\"}\n{\"instances\": [{\"input\": \"x\", \"output\": \"y\"}]}\n");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:2: field \"instruction\" is missing", error.Message);
    }

    [Fact]
    public void A_sharegpt_conversation_gives_its_first_user_turn_and_the_reply_to_it()
    {
        string path = _folder.Write("sharegpt.json", """
            [
              {"id": "a", "conversations": [{"from": "human", "value": "Name a prime number."}, {"from": "gpt", "value": "Seven."},
                                            {"from": "human", "value": "Another?"}, {"from": "gpt", "value": "Eleven."}]},
              {"id": "b", "conversations": [{"from": "human", "value": "Unanswered question here."}]}
            ]
            """);

        var file = SeedFileReader.Read(path);

        Assert.Equal([new InstructionRecord("Name a prime number.", "", "Seven."), new InstructionRecord("Unanswered question here.")], file.Records);
        Assert.Equal(new Dictionary<string, int> { ["id"] = 2, ["conversations after the first exchange"] = 1 }, file.Dropped.Counts);
    }

    [Fact]
    public void An_openai_messages_record_skips_the_system_prompt_and_says_so()
    {
        string path = _folder.Write("chat.jsonl",
            "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Capital of Peru?\"}, " +
            "{\"role\": \"assistant\", \"content\": \"Lima.\"}]}\n");

        var file = SeedFileReader.Read(path);

        Assert.Equal([new InstructionRecord("Capital of Peru?", "", "Lima.")], file.Records);
        Assert.Equal(new Dictionary<string, int> { ["messages before the first user turn (a system prompt)"] = 1 }, file.Dropped.Counts);
    }

    [Fact]
    public void A_conversation_without_a_user_turn_is_named_by_line_and_field()
    {
        string path = _folder.Write("chat.jsonl", "{\"instruction\": \"ok\"}\n{\"messages\": [{\"role\": \"assistant\", \"content\": \"Hi.\"}]}\n");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}:2: field \"messages\" has no user turn (role: \"user\")", error.Message);
    }

    [Fact]
    public void A_plain_text_line_of_control_characters_alone_is_a_blank_line()
    {
        string path = _folder.Write("seeds.txt", "First.\n\u0000\u0001\nSec\u0000ond.\n");

        var records = SeedFileReader.Read(path).Records;

        Assert.Equal(["First.", "Second."], records.Select(r => r.Instruction));
    }

    [Theory]
    [InlineData("{\"instruction\": 42}", "instruction", "must be a string, found a number")]
    [InlineData("{\"instruction\": \"a\", \"input\": [\"x\"]}", "input", "must be a string, found an array")]
    [InlineData("{\"instruction\": \"a\", \"output\": true}", "output", "must be a string, found a boolean")]
    public void A_field_of_the_wrong_type_names_the_field_and_type(string record, string field, string problem)
    {
        string path = _folder.Write("seeds.json", $"[\n{record}\n]");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}:2: field \"{field}\" {problem}", error.Message);
    }

    [Fact]
    public void An_array_element_that_is_not_an_object_is_refused()
    {
        string path = _folder.Write("seeds.json", "[\n{\"instruction\": \"a\"},\n\"b\"\n]");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}:3: record 2 must be an object with an \"instruction\" field", error.Message);
    }

    [Fact]
    public void Content_after_the_array_is_refused()
    {
        string path = _folder.Write("seeds.json", "[{\"instruction\": \"a\"}]\n[]");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:2: ", error.Message);
    }

    [Fact]
    public void Invalid_utf8_names_the_line_and_byte()
    {
        var bytes = Encoding.UTF8.GetBytes("first\nsecond \u00e9\nthird ").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        string path = _folder.Write("seeds.txt", bytes);

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}:3: invalid UTF-8 (byte 0xC3 at column 7)", error.Message);
    }

    [Fact]
    public void A_byte_order_mark_is_refused_with_a_way_out()
    {
        string path = _folder.Write("seeds.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("[{\"instruction\": \"a\"}]")]);

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}:1: the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM", error.Message);
    }

    [Fact]
    public void Utf16_is_recognised_and_refused()
    {
        string path = _folder.Write("seeds.txt", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("hello")).ToArray());

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}:1: the file is UTF-16; save it as UTF-8", error.Message);
    }

    [Fact]
    public void A_text_line_over_one_mebibyte_is_refused()
    {
        string path = _folder.Write("seeds.txt", "short\n" + new string('a', SeedFileReader.MaxLineBytes + 1) + "\n");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:2: the line is 1048577 bytes long", error.Message);
    }

    [Fact]
    public void A_json_line_over_one_mebibyte_is_refused()
    {
        string huge = $"{{\"instruction\": \"{new string('a', SeedFileReader.MaxLineBytes)}\"}}";
        string path = _folder.Write("seeds.jsonl", "{\"instruction\": \"short\"}\n" + huge + "\n");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.StartsWith($"{path}:2: the line is", error.Message);
    }

    [Fact]
    public void A_line_of_exactly_one_mebibyte_is_accepted()
    {
        string path = _folder.Write("seeds.txt", new string('a', SeedFileReader.MaxLineBytes) + "\n");

        Assert.Single(SeedFileReader.Read(path).Records);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t\r\n")]
    public void An_empty_file_is_refused(string content)
    {
        string path = _folder.Write("seeds.json", content);

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}: the file is empty", error.Message);
    }

    [Fact]
    public void An_empty_array_is_refused()
    {
        string path = _folder.Write("seeds.json", "[ ]");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}: holds no instructions", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = _folder.File("absent.json");

        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(path));

        Assert.Equal($"{path}: no such file", error.Message);
    }

    [Fact]
    public void A_folder_is_not_a_seed_file()
    {
        var error = Assert.Throws<BadInputException>(() => SeedFileReader.Read(_folder.Path));

        Assert.Equal($"{_folder.Path}: is a folder, not a file", error.Message);
    }
}

public sealed class SeedFileLineTests : IDisposable
{
    private readonly Lion.Tests.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("seeds.json", "[\n  {\"instruction\": \"a\"},\n\n  {\"instruction\": \"b\"}\n]", new[] { 2, 4 })]
    [InlineData("seeds.jsonl", "{\"instruction\": \"a\"}\n\n{\"instruction\": \"b\"}\n", new[] { 1, 3 })]
    [InlineData("seeds.txt", "a\n\n\nb\n", new[] { 1, 4 })]
    public void Each_record_knows_the_line_it_starts_on(string name, string content, int[] lines)
    {
        var seeds = SeedFileReader.Read(_folder.Write(name, content));

        Assert.Equal(lines, Enumerable.Range(0, seeds.Records.Count).Select(seeds.LineOf));
    }
}
