using Lion.Bench;

// Each benchmark prints what it does as it goes and one JSON object as its last line.
var benchmarks = new Dictionary<string, Func<string[], int>>
{
    ["store"] = StoreBenchmark.Run,
    ["gateway"] = GatewayBenchmark.Run,
    ["novelty"] = NoveltyBenchmark.Run,
    ["kill"] = KillBenchmark.Run,
    ["outage"] = OutageBenchmark.Run,
    ["chatty"] = ChattyBenchmark.Run,
    ["train"] = TrainBenchmark.Run,
    ["kernels"] = KernelsBenchmark.Run,
    ["generate"] = GenerateBenchmark.Run,
    ["ablation"] = AblationBenchmark.Run,
    ["serve"] = ServeBenchmark.Run,
    ["generator-novelty"] = GeneratorNoveltyBenchmark.Run,
    ["paper-scale"] = PaperScaleBenchmark.Run,
    ["sizes"] = SizesBenchmark.Run,
    ["streams"] = StreamsBenchmark.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"usage: Lion.Bench <{string.Join("|", benchmarks.Keys)}> [options]");
    return 1;
}
return benchmark(args[1..]);
