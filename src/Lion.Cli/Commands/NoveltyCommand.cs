using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Novelty;
using Lion.Core.Prompts;

namespace Lion.Cli.Commands;

/// <summary>`lion novelty`: the loop's ROUGE-L novelty rule on the user's own instruction sets.</summary>
internal static class NoveltyCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var pool = new Option<string>("--pool")
        {
            Description = "Instructions already there (any import format: Alpaca JSON, JSON Lines, plain text).",
            HelpName = "FILE",
            Required = true,
        };
        var candidates = new Option<string>("--candidates")
        {
            Description = "Instructions to judge, in order (any import format).",
            HelpName = "FILE",
            Required = true,
        };
        var threshold = new Option<double>("--threshold")
        {
            Description = "Reject a candidate whose ROUGE-L F1 with the pool or an earlier kept candidate is above this.",
            DefaultValueFactory = _ => 0.7,
        };
        threshold.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1)
                result.AddError("--threshold must be between 0 and 1");
        });

        var command = new Command("novelty",
            "Judge candidates against a pool with the Lion novelty rule; one JSON line per candidate: index, kept, max_score, most_similar.")
        {
            pool, candidates, threshold,
        };
        command.SetAction(parse => CommandBody.Run(parse, output =>
        {
            var poolTexts = Texts(parse.GetValue(pool)!);
            var candidateTexts = Texts(parse.GetValue(candidates)!);
            var decisions = new NoveltyFilter(poolTexts, parse.GetValue(threshold)).ConsiderAll(candidateTexts);
            for (int i = 0; i < decisions.Count; i++)
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    index = i,
                    kept = decisions[i].Kept,
                    max_score = Math.Round(decisions[i].MaxScore, 6),
                    most_similar = decisions[i].MostSimilar,
                }, Json));
            return ExitCode.Success;
        }));
        return command;
    }

    /// <summary>An instruction with its input, as the model would be asked it.</summary>
    private static List<string> Texts(string path) =>
        SeedFileReader.Read(path).Records.Select(r => StudentPrompt.Question(r.Instruction, r.Input)).ToList();
}
