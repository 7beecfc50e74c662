using System.ClientModel;
using System.CommandLine;
using System.Text.Json;
using Lion.Tests;
using OpenAI;
using OpenAI.Chat;

namespace Lion.Cli.Tests.Commands;

public sealed class OracleCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string[] HandWrittenFiles => Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "bbh-format"), "*.json");

    [Fact]
    public void Solve_gets_every_hand_written_item_right_and_prints_a_line_per_file()
    {
        var result = LionInvocation.Run(["oracle", "solve", .. HandWrittenFiles]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Trim().Split('\n').Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(HandWrittenFiles.Length, lines.Count);
        Assert.All(lines, line => Assert.Equal(line.GetProperty("items").GetInt32(), line.GetProperty("correct").GetInt32()));
    }

    [Fact]
    public void Solve_exits_1_when_a_target_disagrees_and_counts_what_it_cannot_read()
    {
        string file = _folder.Write("mixed.jsonl",
            "{\"input\": \"True and False is\", \"target\": \"True\"}\n" +
            "{\"input\": \"Write a sonnet.\", \"target\": \"?\"}\n" +
            "{\"input\": \"not False is\", \"target\": \"True\"}\n");

        var result = LionInvocation.Run("oracle", "solve", file);

        Assert.Equal(1, result.ExitCode);
        using var line = JsonDocument.Parse(result.Output);
        Assert.Equal((3, 1, 1), (line.RootElement.GetProperty("items").GetInt32(), line.RootElement.GetProperty("correct").GetInt32(),
            line.RootElement.GetProperty("unparsed").GetInt32()));
        Assert.Equal("mixed", line.RootElement.GetProperty("task").GetString());
    }

    [Fact]
    public void Solve_names_a_malformed_file_and_its_line()
    {
        string file = _folder.Write("broken.json", "{\"examples\": [\n{\"input\": \"x\", \"target\": 5}\n]}");

        var result = LionInvocation.Run("oracle", "solve", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file}: example 1: field \"target\" must be a string", result.Error.Trim());
    }

    [Fact]
    public async Task Serve_answers_the_official_client_until_it_is_stopped()
    {
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = LionCommand.Create().Parse(["oracle", "serve", "--port", "0"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        string url = await LionInvocation.WaitForUrl(output);

        var client = new ChatClient("lion-oracle", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(url) });
        var completion = (await client.CompleteChatAsync([new UserChatMessage("((-1 + 2) * (3 - -4)) =")])).Value;
        stop.Cancel();

        Assert.Equal("7", completion.Content[0].Text);
        Assert.Equal(0, await serving);
        Assert.Contains("Stopped after 1 requests.", output.ToString());
    }
}
