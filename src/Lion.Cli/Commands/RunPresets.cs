using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Oracle;

namespace Lion.Cli.Commands;

/// <summary>
/// Ready-made runs that need no key, download or GPU. smoke: the oracle as teacher, referee and
/// generator and the oracle's simulated student, 45 seeds over all nine task families, 24 new
/// instructions an iteration, 3 iterations; a minute or less, for tests and for checking an install.
/// </summary>
internal static class RunPresets
{
    public static IReadOnlyList<string> Names { get; } = ["smoke"];

    public static (RunConfig Config, SeedFile Seeds) Get(string name) => name switch
    {
        "smoke" => (new RunConfig { Iterations = 3, NewInstructionsPerIteration = 24, Concurrency = 8 }, OracleSeeds("preset:smoke", 5, 2305)),
        _ => throw new Core.BadInputException($"--preset {name}: no such preset (known: {string.Join(", ", Names)})"),
    };

    /// <summary>Seeds made by the oracle: a few items of every family, across its sizes and variants.</summary>
    public static SeedFile OracleSeeds(string source, int perFamily, int seed)
    {
        var random = new Random(seed);
        var records = new List<InstructionRecord>();
        foreach (var family in Oracle.Oracle.Families)
            for (int i = 0; i < perFamily; i++)
            {
                var item = family.Generate(random, family.Sizes[i % family.Sizes.Count], family.Variants[i % family.Variants.Count]);
                records.Add(new InstructionRecord(item.Input));
            }
        return new SeedFile(source, SeedFormat.PlainText, records);
    }
}
