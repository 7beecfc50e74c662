using System.Text.Json;
using Lion.Core;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Lion.Oracle;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class CompareCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Random_selection_draws_seeds_without_the_verdicts_and_compare_shows_both_runs()
    {
        string adversarial = _folder.File("adversarial"), random = _folder.File("random");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", adversarial).ExitCode);
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--selection", "random", "--out", random).ExitCode);

        var result = LionInvocation.Run("compare", adversarial, random);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("adversarial", result.Output);
        using var json = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
        Assert.Equal(["adversarial", "random"], json.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("selection").GetString()));

        // Adversarial hard seeds are all judged hard; random ones are not.
        using var store = RunStore.Open(random);
        var hardIds = store.Loop.Verdicts(1).Where(v => v.Label == VerdictLabel.Hard).Select(v => v.InstructionId).ToHashSet();
        var hardSlots = store.Loop.Attempts(1).Where(a => a.Kind == GenerationKind.Hard).ToList();
        Assert.Contains(hardSlots, a => !hardIds.Contains(a.SeedInstructionId));
        using var paper = RunStore.Open(adversarial);
        var paperHard = paper.Loop.Verdicts(1).Where(v => v.Label == VerdictLabel.Hard).Select(v => v.InstructionId).ToHashSet();
        Assert.All(paper.Loop.Attempts(1).Where(a => a.Kind == GenerationKind.Hard), a => Assert.Contains(a.SeedInstructionId, paperHard));
    }

    [Fact]
    public void Compare_shows_the_held_out_accuracy_of_each_task_side_by_side()
    {
        string adversarial = _folder.File("adversarial"), random = _folder.File("random");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "tiny", "--out", adversarial).ExitCode);
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "tiny", "--selection", "random", "--out", random).ExitCode);
        var tasks = Directory.GetFiles(Path.Combine(adversarial, "heldout")).Select(Path.GetFileNameWithoutExtension).ToList();

        var result = LionInvocation.Run("compare", adversarial, random);

        Assert.Equal(0, result.ExitCode);
        Assert.All(tasks, task => Assert.Matches($@"(?m)^    {task} +\d+\.\d %", result.Output));
        using var json = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
        var first = json.RootElement.GetProperty("runs")[0].GetProperty("held_out")[0].GetProperty("tasks");
        Assert.Equal(tasks.Order(), first.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void Compare_writes_both_reports_side_by_side_as_one_page()
    {
        string adversarial = _folder.File("adversarial"), random = _folder.File("random");
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--out", adversarial).ExitCode);
        Assert.Equal(0, LionInvocation.Run("run", "--preset", "smoke", "--selection", "random", "--out", random).ExitCode);
        string page = _folder.File("compare.html");

        var result = LionInvocation.Run("compare", adversarial, random, "--html", page);

        Assert.Equal(0, result.ExitCode);
        string html = File.ReadAllText(page);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "<h2>What the referee found</h2>").Count);
        Assert.Contains("selection adversarial", html);
        Assert.Contains("selection random", html);
        var images = System.Text.RegularExpressions.Regex.Matches(html, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(images, i => i.StartsWith("compare-a-", StringComparison.Ordinal));
        Assert.Contains(images, i => i.StartsWith("compare-b-", StringComparison.Ordinal));
        Assert.All(images, image => Assert.True(File.Exists(_folder.File(image)), image));
        Assert.DoesNotMatch("(href|src)=\"https?://", html);
    }
}
