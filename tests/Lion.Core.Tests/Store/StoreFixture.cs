using Lion.Core.Data;
using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Core.Tests.Store;

/// <summary>A temp folder with helpers to make seed files and runs in it.</summary>
public sealed class StoreFixture : IDisposable
{
    public TempFolder Folder { get; } = new();

    public string RunFolder => Folder.File("run");

    public SeedFile Seeds(params InstructionRecord[] records) => new(Folder.File("seeds.json"), SeedFormat.AlpacaJson, records);

    public RunStore CreateRun(params InstructionRecord[] seeds)
    {
        Core.Store.RunFolder.Create(RunFolder, Seeds(seeds.Length == 0 ? [new("Seed one.")] : seeds), new RunSetup());
        return RunStore.Open(RunFolder);
    }

    public void Dispose() => Folder.Dispose();
}
