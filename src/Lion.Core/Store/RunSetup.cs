using Lion.Core.Config;

namespace Lion.Core.Store;

/// <summary>What a new run starts with besides its seeds: the config text and where it came from.</summary>
public sealed record RunSetup(string ConfigJson = "{}", string? ConfigSource = null)
{
    /// <summary>Reads and checks a run config file; the run stores it whole, defaults filled in.</summary>
    public static RunSetup FromConfigFile(string path) =>
        new(RunConfigReader.ToJson(RunConfigReader.Read(path)), Path.GetFullPath(path));

    public static RunSetup From(RunConfig config, string? source) => new(RunConfigReader.ToJson(config), source);
}
