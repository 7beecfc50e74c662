using System.CommandLine;
using Lion.Core.Data;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;

namespace Lion.Cli.Commands;

/// <summary>`lion generate`: answers from a student checkpoint, as JSON Lines of {instruction, input, output}.</summary>
internal static class GenerateCommand
{
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

        var command = new Command("generate", "Answer instructions with a student checkpoint; one JSON line per instruction.")
        {
            model, prompts, output, temperature, topP, maxNewTokens, seed,
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
            var answered = questions.Records.Select((record, i) =>
            {
                var (text, _) = generator.Complete(StudentPrompt.Format(record.Instruction, record.Input), options);
                return new DatasetRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), record with { Output = text });
            }).ToList();

            DatasetOutput.Write(answered, ExportFormat.JsonLines, parse.GetValue(output), writer);
            return ExitCode.Success;
        }));
        return command;
    }
}
