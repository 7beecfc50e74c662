using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Data;

namespace Lion.Cli.Commands;

/// <summary>
/// What a new run is made from, as `lion run` and `lion plan` read their options: the config from
/// --config, else the preset's; the seeds from --seeds, else the preset's. With neither --config
/// nor --seeds, the demo preset.
/// </summary>
internal sealed record NewRunSource(RunConfig Config, SeedFile Seeds, RunPreset? Preset, string? ConfigPath)
{
    public static NewRunSource Resolve(string runFolder, string? configPath, string? seedsPath, RunPreset? preset)
    {
        var chosen = preset ?? (seedsPath is null && configPath is null ? RunPreset.Demo : null);
        var fromPreset = chosen is { } ready ? RunPresets.Get(ready) : ((RunConfig, SeedFile)?)null;
        var config = configPath is not null ? RunConfigReader.Read(configPath) : fromPreset?.Item1 ?? new RunConfig();
        var seeds = seedsPath is not null ? SeedFileReader.Read(seedsPath)
            : fromPreset?.Item2 ?? throw new BadInputException($"{runFolder}: a new run needs --seeds FILE (or --preset smoke)");
        return new NewRunSource(config, seeds, chosen, configPath);
    }

    /// <summary>Where the stored config came from: the file, the preset, or nothing (defaults).</summary>
    public string? Source => ConfigPath is not null ? Path.GetFullPath(ConfigPath) : Preset is { } ready ? $"preset:{Vocabulary<RunPreset>.Word(ready)}" : null;
}
