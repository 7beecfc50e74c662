using System.Diagnostics;
using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Bench;

/// <summary>
/// Seed import and export at the paper's scale: an Alpaca-sized file (52,002 records, a few
/// exact duplicates) read, stored in a new run, and exported again, median of three rounds.
/// </summary>
internal static class StoreBenchmark
{
    private const int Records = 52_002;

    public static int Run(string[] args)
    {
        string work = Path.Combine(Path.GetTempPath(), $"lion-bench-store-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            string seeds = Path.Combine(work, "seeds.json");
            WriteSyntheticAlpaca(seeds);
            long bytes = new FileInfo(seeds).Length;

            var read = new List<double>();
            var create = new List<double>();
            var export = new List<double>();
            int added = 0;
            for (int round = 1; round <= 3; round++)
            {
                string run = Path.Combine(work, $"run-{round}");
                var clock = Stopwatch.StartNew();
                var file = SeedFileReader.Read(seeds);
                read.Add(clock.Elapsed.TotalSeconds);

                clock.Restart();
                added = RunFolder.Create(run, file, new RunSetup()).Added;
                create.Add(clock.Elapsed.TotalSeconds);

                clock.Restart();
                using (var store = RunStore.Open(run))
                using (var output = File.Create(Path.Combine(work, $"export-{round}.json")))
                    DatasetWriter.Write(store.Datasets.ReadDataset(PoolSelection.All), ExportFormat.Alpaca, output);
                export.Add(clock.Elapsed.TotalSeconds);
                Console.WriteLine($"round {round}: read {read[^1]:F2} s, init {create[^1]:F2} s, export {export[^1]:F2} s");
            }

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "store",
                records = Records,
                instructions = added,
                file_mb = Math.Round(bytes / 1e6, 1),
                read_s = Math.Round(Median.Of(read), 3),
                init_s = Math.Round(Median.Of(create), 3),
                export_s = Math.Round(Median.Of(export), 3),
                records_per_s = Math.Round(Records / Median.Of(create)),
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void WriteSyntheticAlpaca(string path)
    {
        var random = new Random(52);
        string[] words = ["explain", "the", "difference", "between", "write", "a", "poem", "about", "list", "three",
            "reasons", "why", "data", "model", "summarise", "article", "translate", "into", "French", "code", "function",
            "sort", "numbers", "describe", "process", "of", "photosynthesis", "étude", "日本", "🦁"];
        string Sentence(int length) => string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)]));

        var records = new List<InstructionRecord>(Records);
        for (int i = 0; i < Records; i++)
        {
            // About one in a thousand records repeats an earlier one exactly, as real seed sets do.
            if (i > 0 && random.Next(1000) == 0)
            {
                records.Add(records[random.Next(i)]);
                continue;
            }
            string input = random.Next(3) == 0 ? Sentence(random.Next(5, 40)) : "";
            records.Add(new InstructionRecord($"{Sentence(random.Next(3, 25))} #{i}", input, Sentence(random.Next(20, 200))));
        }
        using var output = File.Create(path);
        DatasetWriter.Write(records.Select((r, i) => new DatasetRecord(i.ToString(), r)), ExportFormat.Alpaca, output);
    }
}
