using System.CommandLine;
using Lion.Core.Data;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;

namespace Lion.Cli.Commands;

/// <summary>`lion generate`: answers from a student checkpoint, as JSON Lines of {instruction, input, output}.</summary>
internal static class GenerateCommand
{
    private const int Batch = 64;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A Hugging Face model folder.", HelpName = "DIR", Required = true };
        var prompts = new Option<string>("--prompts")
        {
            Description = "Instructions to answer (any import format).",
            HelpName = "FILE",
            Required = true,
        };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output.", HelpName = "FILE" };
        var temperature = new Option<double>("--temperature") { Description = "0 is greedy.", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { DefaultValueFactory = _ => 1.0 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { DefaultValueFactory = _ => 128 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 2305 };
        var format = new Option<string>("--prompt-format") { Description = "The student's prompt format.", DefaultValueFactory = _ => "alpaca" };
        format.AcceptOnlyFromAmong("alpaca", "chatml", "plain");

        var command = new Command("generate", "Answer instructions with a student checkpoint; one JSON line per instruction.")
        {
            model, prompts, output, temperature, topP, maxNewTokens, seed, format,
        };
        command.SetAction(parse => CommandBody.Run(parse, writer =>
        {
            var questions = SeedFileReader.Read(parse.GetValue(prompts)!);
            var (student, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(parse.GetValue(model)!);
            using var disposeModel = student;
            using var disposeTokenizer = tokenizer as IDisposable;
            var generator = new TextGenerator(student, tokenizer);
            var options = new SamplingOptions
            {
                Temperature = parse.GetValue(temperature), TopP = parse.GetValue(topP),
                MaxNewTokens = parse.GetValue(maxNewTokens), Seed = parse.GetValue(seed),
            };
            // Decoded a batch at a time: together for speed, in bounded memory.
            var replies = questions.Records.Chunk(Batch)
                .SelectMany(batch => generator.CompleteAll(
                    batch.Select(record => StudentPrompt.Format(parse.GetValue(format)!, record.Instruction, record.Input)).ToList(), options))
                .ToList();
            var answered = questions.Records.Select((record, i) =>
                new DatasetRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), record with { Output = replies[i].Text })).ToList();

            DatasetOutput.Write(answered, ExportFormat.JsonLines, parse.GetValue(output), writer);
            return ExitCode.Success;
        }));
        return command;
    }
}
