using System.CommandLine;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Cli.Commands;

/// <summary>`lion train`: fine-tune the in-process student on a dataset, without the loop.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var baseModel = new Option<string?>("--base") { Description = "A Hugging Face model folder to start from.", HelpName = "DIR" };
        var init = WordOption.Optional<FreshSize>("--init",
            "Start from a fresh byte-level model instead: tiny (2 layers of 128) or small (4 layers of 256, about 3 M parameters).");
        var data = new Option<string>("--data")
        {
            Description = "Training data with answers: Alpaca JSON or JSON Lines of {instruction, input?, output}.",
            HelpName = "FILE",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "The folder to write the trained model to.", HelpName = "DIR", Required = true };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 3 };
        var learningRate = new Option<double>("--learning-rate") { DefaultValueFactory = _ => 1e-3 };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 16 };
        var accumulation = new Option<int>("--gradient-accumulation")
        {
            Description = "Batches whose gradients add up before each optimiser step (the step's batch is --batch-size times this): fewer rows in memory at once.",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        var maxLength = new Option<int>("--max-length") { Description = "Longest example in tokens; longer ones keep their end.", DefaultValueFactory = _ => 512 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 2305 };
        var workers = new Option<int?>("--workers")
        {
            Description = "Shares each batch is cut into, each run single-threaded on its own core (default: one per libtorch thread, or one multi-threaded pass when the workers' gradients would crowd the memory; 1: one multi-threaded pass).",
            HelpName = "N",
        };
        var precision = WordOption.Create("--precision",
            "What the matrix products compute in, weights staying float32: auto (bfloat16 where it measures faster on this CPU), float32 or bfloat16.",
            TrainingPrecision.Auto);
        var checkpointing = new Option<bool>("--gradient-checkpointing")
        {
            Description = "Keep one decoder layer's activations at a time, computing each layer again in the backward pass: less memory, a third (full) to a half (LoRA) more time a step.",
        };
        var format = WordOption.Optional<PromptFormat>("--prompt-format",
            "How each example is framed: alpaca, chatml or plain (default: the base checkpoint's chat_template, else alpaca); saved as the new checkpoint's chat_template.");
        var loraRank = new Option<int?>("--lora-rank") { Description = "Train rank-r LoRA adapters instead of every weight; merged on save." };
        var loraAlpha = new Option<double>("--lora-alpha") { DefaultValueFactory = _ => 16 };
        var adapter = new Option<bool>("--adapter")
        {
            Description = "Save the LoRA adapter alone (PEFT's layout, for vLLM's --lora-modules or hot-loading) instead of the merged model; " +
                          "with --base an adapter folder, that adapter is trained on.",
        };
        var loraTargets = new Option<string>("--lora-targets")
        {
            Description = "Comma-separated projections to adapt.",
            DefaultValueFactory = _ => "q_proj,k_proj,v_proj,o_proj",
        };
        var dtype = new Option<string>("--dtype") { Description = "How the saved weights are stored: float32 or bfloat16.", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "bfloat16");
        var gguf = new Option<string?>("--gguf") { Description = "Also write the trained model as GGUF, for llama.cpp and Ollama.", HelpName = "FILE" };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Replace --out even when it holds files that are not a checkpoint's (by default such a folder is refused untouched).",
        };
        var ggufType = new Option<string>("--gguf-type") { Description = "The GGUF's weight matrices: f32, f16 or bf16.", DefaultValueFactory = _ => "f32" };
        ggufType.AcceptOnlyFromAmong("f32", "f16", "bf16");

        var command = new Command("train", "Fine-tune the in-process student (answer tokens only) and save it as a Hugging Face folder.")
        {
            baseModel, init, data, output, epochs, learningRate, batchSize, accumulation, maxLength, seed, workers, precision, checkpointing, format, loraRank, loraAlpha, loraTargets, adapter,
            dtype, gguf, ggufType, overwrite,
        };
        command.SetAction((parse, cancellation) => CommandBody.RunAsync(parse, writer =>
        {
            if ((parse.GetValue(baseModel) is null) == (parse.GetValue(init) is null))
                throw new BadInputException("give either --base DIR or --init tiny|small");
            if (parse.GetValue(workers) is < 1)
                throw new BadInputException($"--workers must be at least 1, got {parse.GetValue(workers)}");
            if (parse.GetValue(accumulation) < 1)
                throw new BadInputException($"--gradient-accumulation must be at least 1, got {parse.GetValue(accumulation)}");
            CheckpointFolder.CheckWritable(parse.GetValue(output)!, parse.GetValue(overwrite));
            if (parse.GetValue(gguf) is { } ggufTarget)
                WritablePlace.Check(ggufTarget, "--gguf");
            var promptFormat = CheckpointPromptFormat.Resolve(parse.GetValue(format), parse.GetValue(baseModel));
            var dataFile = SeedFileReader.Read(parse.GetValue(data)!);
            dataFile.WarnAboutDropped(parse.InvocationConfiguration.Error);
            var examples = Examples(dataFile);
            manual_seed(parse.GetValue(seed));
            // An adapter trained on: its base model, unmerged, and the adapter's weights to start from.
            var prior = parse.GetValue(adapter) && parse.GetValue(baseModel) is { } given && PeftAdapter.IsAdapter(given)
                ? PeftAdapter.ReadSettings(given) : null;
            if (parse.GetValue(adapter) && (parse.GetValue(baseModel) is null || prior is null && parse.GetValue(loraRank) is null || parse.GetValue(gguf) is not null))
                throw new BadInputException("--adapter saves a LoRA adapter of a base model: give --base DIR and --lora-rank R (or --base an adapter), without --gguf");
            var (model, tokenizer) = parse.GetValue(baseModel) is { } folder
                ? HuggingFaceFolder.LoadWithTokenizer(prior?.BaseModel ?? folder, StudentKernels.FromEnvironment())
                : (new LlamaForCausalLM(parse.GetValue(init) == FreshSize.Small ? LlamaConfig.SmallByteLevel : LlamaConfig.TinyByteLevel, StudentKernels.FromEnvironment()),
                   (ITextTokenizer)new ByteTokenizer());
            using var disposeModel = model;
            using var disposeTokenizer = tokenizer as IDisposable;

            var options = new TrainingOptions
            {
                Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(learningRate), BatchSize = parse.GetValue(batchSize),
                AccumulationSteps = parse.GetValue(accumulation),
                MaxLength = parse.GetValue(maxLength), Seed = parse.GetValue(seed), Workers = parse.GetValue(workers),
                Precision = parse.GetValue(precision),
                GradientCheckpointing = parse.GetValue(checkpointing),
                // Running the same command again after an interruption continues mid-epoch.
                StateFolder = Path.GetFullPath(parse.GetValue(output)!).TrimEnd('/') + ".training",
                Lora = prior is not null
                    ? new LoraOptions(prior.Rank, prior.Alpha) { Targets = prior.Targets, Initial = PeftAdapter.Read(parse.GetValue(baseModel)!), Merge = false }
                    : parse.GetValue(loraRank) is { } rank
                    ? new LoraOptions(rank, parse.GetValue(loraAlpha))
                    {
                        Targets = parse.GetValue(loraTargets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                        Merge = !parse.GetValue(adapter),
                    }
                    : null,
            };
            writer.WriteLine($"Training on {examples.Count} examples, {options.Epochs} epochs");
            TrainingReport report;
            try
            {
                report = new SftTrainer(options, writer.WriteLine).Train(model,
                    examples.Select(e => (tokenizer.Encode(StudentPrompt.Format(promptFormat, e.Instruction, e.Input)), tokenizer.Encode(e.Output!))).ToList(),
                    cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                parse.InvocationConfiguration.Error.WriteLine("Stopped; the same command continues where training stopped.");
                return Task.FromResult(ExitCode.Cancelled);
            }
            if (parse.GetValue(adapter))
            {
                string basis = prior?.BaseModel ?? parse.GetValue(baseModel)!;
                PeftAdapter.Save(model, parse.GetValue(output)!, basis, options.Lora!);
                Core.Prompts.ChatTemplate.Write(parse.GetValue(output)!, promptFormat);
            }
            else
            {
                HuggingFaceFolder.Save(model, parse.GetValue(output)!, tokenizer, bfloat16: parse.GetValue(dtype) == "bfloat16", promptFormat);
            }
            if (parse.GetValue(gguf) is { } ggufPath)
            {
                Lion.Torch.Export.GgufExport.Write(model, ggufPath, Enum.Parse<Lion.Torch.Export.GgufType>(parse.GetValue(ggufType)!, ignoreCase: true), promptFormat);
                writer.WriteLine($"Wrote {ggufPath} ({parse.GetValue(ggufType)})");
            }
            writer.WriteLine($"Saved {parse.GetValue(output)}: {report.Steps} optimiser steps, loss {report.FirstEpochLoss:F4} → {report.LastEpochLoss:F4}, " +
                             $"{report.TokensPerSecond:N0} answer tokens/s, products in {Vocabulary<TrainingPrecision>.Word(report.Precision)}");
            return Task.FromResult(ExitCode.Success);
        }));
        return command;
    }

    /// <summary>Every record must carry the answer to learn: an empty one teaches the model to say nothing.</summary>
    private static List<InstructionRecord> Examples(SeedFile file)
    {
        for (int i = 0; i < file.Records.Count; i++)
            if (string.IsNullOrWhiteSpace(file.Records[i].Output))
                throw BadInputException.AtField(file.Path, file.LineOf(i), "output",
                    (file.Records[i].Output is null ? "is missing" : "is empty") + ": a training example needs the answer to learn " +
                    "(`lion export --format alpaca` writes only answered records)");
        return [.. file.Records];
    }
}
