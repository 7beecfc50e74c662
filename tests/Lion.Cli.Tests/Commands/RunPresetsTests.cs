using System.Text.Json;
using Lion.Cli.Commands;
using Lion.Core.Config;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class RunPresetsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_demo_held_out_set_covers_each_demo_family_and_shares_no_item_with_the_seeds()
    {
        var (config, seeds) = RunPresets.Get(RunPreset.Demo);

        RunPresets.WriteHeldOut(RunPreset.Demo, _folder.Path, seeds);

        var files = Directory.GetFiles(Path.Combine(_folder.Path, RunPresets.HeldOutFolder)).Select(Path.GetFileNameWithoutExtension).Order();
        Assert.Equal(RunPresets.DemoFamilies.Order(), files);
        var seedTexts = seeds.Records.Select(r => r.Instruction).ToHashSet();
        foreach (var family in RunPresets.DemoFamilies)
        {
            var items = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Path, RunPresets.HeldOutFolder, $"{family}.json")))
                .RootElement.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("input").GetString()!).ToList();
            Assert.Equal(1000, items.Count);
            Assert.Equal(items.Count, items.Distinct().Count());
            Assert.DoesNotContain(items, seedTexts.Contains);
        }
        Assert.Equal(RunPresets.HeldOutFolder, config.Evaluation.BbhData);
    }

    [Fact]
    public void The_demo_benchmark_sized_set_follows_the_benchmarks_mix_and_shares_no_item_with_the_seeds_or_the_held_out_set()
    {
        var (config, seeds) = RunPresets.Get(RunPreset.Demo);

        RunPresets.WriteHeldOut(RunPreset.Demo, _folder.Path, seeds);

        var taken = seeds.Records.Select(r => r.Instruction).ToHashSet();
        foreach (var family in RunPresets.DemoFamilies)
        {
            taken.UnionWith(Inputs(RunPresets.HeldOutFolder, family));
            var items = Inputs(RunPresets.BenchmarkSizedFolder, family);
            var shapes = items.Select(i => Oracle.Oracle.Solve(i).Shape).ToList();
            Assert.Equal(1000, items.Distinct().Count());
            Assert.DoesNotContain(items, taken.Contains);
            Assert.All(shapes, shape => Assert.Contains(Oracle.BenchmarkMix.For(family)!, cell => cell.Size == shape.Size && cell.Variant == shape.Variant));
        }
        Assert.All(Inputs(RunPresets.BenchmarkSizedFolder, "web_of_lies"), input => Assert.Equal(5, Oracle.Oracle.Solve(input).Shape.Size));
        Assert.Equal(RunPresets.BenchmarkSizedFolder, config.Evaluation.BenchmarkSizedData);
    }

    private List<string> Inputs(string folder, string family) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Path, folder, $"{family}.json")))
            .RootElement.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("input").GetString()!).ToList();

    [Fact]
    public void The_demo_seeds_hold_every_variant_of_each_family_at_each_of_its_two_easiest_sizes_that_has_it()
    {
        var (_, seeds) = RunPresets.Get(RunPreset.Demo);

        var shapes = seeds.Records.Select(r => Oracle.Oracle.Solve(r.Instruction).Shape).ToList();
        foreach (var name in RunPresets.DemoFamilies)
        {
            var family = Oracle.Oracle.Family(name);
            var expected = family.Sizes.Take(2).SelectMany(size => family.Variants.Where(v => family.Exists(size, v)).Select(variant => (size, variant)))
                .ToHashSet();
            Assert.Equal(expected, shapes.Where(s => s.Family == name).Select(s => (s.Size, s.Variant)).ToHashSet());
        }
    }

    [Fact]
    public void Every_preset_config_passes_the_config_check()
    {
        foreach (var name in Enum.GetValues<RunPreset>())
        {
            string path = _folder.Write($"{name}.json", RunConfigReader.ToJson(RunPresets.Get(name).Config));
            RunConfigReader.Read(path);
        }
    }
}
