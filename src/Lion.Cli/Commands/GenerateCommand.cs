using System.CommandLine;
using Lion.Core.Data;
using Lion.Core.Evaluation;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;

namespace Lion.Cli.Commands;

/// <summary>
/// `lion generate`: answers from a student checkpoint, as JSON Lines of {instruction, input,
/// output}; for a Vicuna-80 / MT-bench question file, as FastChat's model answers (the first turn
/// answered), which its judge and `lion eval judge` read.
/// </summary>
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
        var format = WordOption.Optional<PromptFormat>("--prompt-format", CheckpointPromptFormat.Description);
        var modelId = new Option<string?>("--model-id") { Description = "The model_id of FastChat answers (default: the model folder's name).", HelpName = "NAME" };

        var command = new Command("generate",
            "Answer instructions with a student checkpoint; one JSON line per instruction (FastChat's answer format for a Vicuna-80 / MT-bench question file).")
        {
            model, prompts, output, temperature, topP, maxNewTokens, seed, format, modelId,
        };
        command.SetAction(parse => CommandBody.Run(parse, writer =>
        {
            string path = parse.GetValue(prompts)!;
            if (parse.GetValue(output) is { } target)
                WritablePlace.Check(target, "--out");
            var asked = JudgeQuestionFile.IsQuestionFile(path) ? JudgeQuestionFile.Read(path) : null;
            var questions = asked is null ? SeedFileReader.Read(path) : null;
            var promptFormat = CheckpointPromptFormat.Resolve(parse.GetValue(format), parse.GetValue(model));
            var (student, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(parse.GetValue(model)!, StudentKernels.FromEnvironment());
            using var disposeModel = student;
            using var disposeTokenizer = tokenizer as IDisposable;
            var generator = new TextGenerator(student, tokenizer);
            var options = new SamplingOptions
            {
                Temperature = parse.GetValue(temperature), TopP = parse.GetValue(topP),
                MaxNewTokens = parse.GetValue(maxNewTokens), Seed = parse.GetValue(seed),
            };
            var records = asked?.Select(q => new InstructionRecord(q.Text)).ToList() ?? [.. questions!.Records];
            // Decoded a batch at a time: together for speed, in bounded memory.
            var replies = records.Chunk(Batch)
                .SelectMany(batch => generator.CompleteAll(
                    batch.Select(record => StudentPrompt.Format(promptFormat, record.Instruction, record.Input)).ToList(), options))
                .ToList();
            if (asked is not null)
            {
                string id = parse.GetValue(modelId) ?? Path.GetFileName(Path.GetFullPath(parse.GetValue(model)!).TrimEnd('/'));
                DatasetOutput.Write(stream => FastChatAnswers.Write(asked.Zip(replies, (q, r) => (q, r.Text)), id, stream), parse.GetValue(output), writer);
                return ExitCode.Success;
            }
            var answered = records.Select((record, i) =>
                new DatasetRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), record with { Output = replies[i].Text })).ToList();

            DatasetOutput.Write(answered, ExportFormat.JsonLines, parse.GetValue(output), writer);
            return ExitCode.Success;
        }));
        return command;
    }
}
