using System.Text.RegularExpressions;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class ReportCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("smoke")]
    [InlineData("tiny")]
    public void The_report_is_one_page_whose_images_all_exist(string preset)
    {
        string run = _folder.File("run");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", preset, "--out", run).ExitCode);

        var result = LionInvocation.Run("report", "--out", run);

        Assert.Equal(0, result.ExitCode);
        string page = Path.Combine(run, "report", "index.html");
        string html = File.ReadAllText(page);
        var images = Regex.Matches(html, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.True(File.Exists(Path.Combine(run, "report", image)), image));
        Assert.DoesNotMatch("(href|src)=\"https?://", html);
        Assert.All(images, image => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(run, "report", image))[..4]));
        Assert.Equal(preset == "tiny", html.Contains("heldout.png"));
        Assert.Contains("<h2>What came back</h2>", html);
        Assert.Contains("<h2>Plan against actual</h2>", html);
        Assert.Contains("<h2>What the referee found</h2>", html);
        Assert.Contains("<h3>Hard share by task family</h3>", html);
        Assert.Contains("<h2>Cost</h2>", html);
        // The hardest pair of iteration 1, with both answers and both reviews under it.
        using (var store = Core.Store.RunStore.Open(run))
        {
            var hardest = store.Loop.Verdicts(1).MaxBy(v => v.Gap)!;
            string question = store.Loop.PoolMembers(Core.Store.Pool.Cache, 1).Single(i => i.Id == hardest.InstructionId).Instruction;
            Assert.Contains(System.Net.WebUtility.HtmlEncode(question.Length <= 160 ? question : question[..160]), html);
        }
        Assert.Contains("<b>Review, teacher's answer first</b>", html);
        Assert.Contains("Generated: ", html);
        Assert.Contains("<td>1</td><td>teacher</td>", html);
    }

    [Theory]
    [InlineData("all", true)]
    [InlineData("new", false)]
    public void The_pools_caption_says_when_the_student_trains_on_the_whole_cache_pool(string trainOn, bool said)
    {
        string run = _folder.File($"run-{trainOn}"), config = _folder.File($"config-{trainOn}.json");
        File.WriteAllText(config, $$"""{"iterations": 1, "new_instructions_per_iteration": 4, "train_on": "{{trainOn}}"}""");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--config", config, "--out", run).ExitCode);

        Assert.Equal(0, LionInvocation.Run("report", "--out", run).ExitCode);

        Assert.Equal(said, File.ReadAllText(Path.Combine(run, "report", "index.html")).Contains("trains on the whole cache pool"));
    }

    [Fact]
    public void A_folder_that_is_not_a_run_gets_no_report()
    {
        Directory.CreateDirectory(_folder.File("empty"));

        var result = LionInvocation.Run("report", "--out", _folder.File("empty"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a lion run folder", result.Error);
    }
}
