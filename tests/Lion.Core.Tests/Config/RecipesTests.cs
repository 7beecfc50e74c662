using System.Diagnostics;
using Lion.Core.Config;

namespace Lion.Core.Tests.Config;

/// <summary>The recipes/ folder: run-config fragments lion accepts, and a training script that compiles.</summary>
public sealed class RecipesTests
{
    private static string Recipes()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (Directory.Exists(Path.Combine(folder.FullName, "recipes")) && File.Exists(Path.Combine(folder.FullName, "Lion.slnx")))
                return Path.Combine(folder.FullName, "recipes");
        throw new DirectoryNotFoundException("recipes/ above the test's folder");
    }

    public static TheoryData<string> Fragments() => [.. Directory.GetFiles(Recipes(), "lion*.json", SearchOption.AllDirectories)
        .Select(path => Path.GetRelativePath(Recipes(), path))];

    [Theory]
    [MemberData(nameof(Fragments))]
    public void Each_config_fragment_passes_lions_checks_with_every_placeholder_where_lion_fills_it_in(string fragment)
    {
        var config = RunConfigReader.Read(Path.Combine(Recipes(), fragment));

        Assert.Equal(StudentKind.External, config.Student.Kind);
        Assert.All(new[] { "{data}", "{previous}", "{output}" }, placeholder => Assert.Contains(placeholder, config.Student.TrainCommand));
        Assert.All(new[] { "{checkpoint}", "{port}" }, placeholder => Assert.Contains(placeholder, config.Student.ServeCommand));
    }

    [Fact]
    public void The_trl_training_script_compiles()
    {
        string compiled = Path.Combine(Path.GetTempPath(), $"lion-recipe-{Guid.NewGuid():N}.pyc");
        var start = new ProcessStartInfo("python3", ["-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
            Path.Combine(Recipes(), "trl-sft", "train.py"), compiled]) { RedirectStandardError = true };
        using var python = Process.Start(start)!;
        string error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        File.Delete(compiled);

        Assert.True(python.ExitCode == 0, error);
    }
}
