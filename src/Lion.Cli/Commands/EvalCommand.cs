using System.CommandLine;
using System.Text.Json;
using Lion.Core;
using Lion.Core.Evaluation;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;

namespace Lion.Cli.Commands;

/// <summary>`lion eval`: how a student does on benchmark-format tasks.</summary>
internal static class EvalCommand
{
    private const int Batch = 16;

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a student checkpoint or a model behind an endpoint.");
        command.Subcommands.Add(Subcommand("bbh", "Zero-shot exact match on BBH-format files: accuracy per task and averaged over tasks.",
            (files, _) => files.Select(f => (Path.GetFileNameWithoutExtension(f), BbhFile.Read(f))).ToList()));
        command.Subcommands.Add(Subcommand("agieval",
            "Zero-shot accuracy on AGIEval's English multiple-choice files (JSONL of passage, question, options, label): per file and averaged. " +
            "Given AGIEval's data folder, takes its eight English multiple-choice tasks and says which files it skipped.",
            (files, error) => AgievalFile.EnglishMultipleChoice(files, error).Select(f => (Path.GetFileNameWithoutExtension(f), AgievalFile.Read(f))).ToList()));
        command.Subcommands.Add(JudgeCommand.Create());
        return command;
    }

    private static Command Subcommand(string name, string description,
        Func<List<string>, TextWriter, List<(string Task, IReadOnlyList<BbhExample> Examples)>> load)
    {
        var model = new Option<string?>("--model") { Description = "A Hugging Face model folder.", HelpName = "DIR" };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "Or an OpenAI-compatible endpoint (base URL ending in /v1) answering as --endpoint-model.",
            HelpName = "URL",
        };
        var endpointModel = new Option<string?>("--endpoint-model") { Description = "The model to ask (default: the endpoint's only model, from GET /v1/models).", HelpName = "NAME" };
        var keyVariable = new Option<string?>("--api-key-env")
        {
            Description = "The variable the endpoint's key is read from (then it must be set); default: OPENAI_API_KEY when set, else no key.",
            HelpName = "VAR",
        };
        var data = new Option<string>("--data") { Description = "A folder of task files (.json or .jsonl).", HelpName = "DIR", Required = true };
        var tasks = new Option<string?>("--tasks") { Description = "Comma-separated task names (file names without extension); default all." };
        var maxNewTokens = new Option<int>("--max-new-tokens") { DefaultValueFactory = _ => 32 };
        var format = WordOption.Optional<PromptFormat>("--prompt-format", CheckpointPromptFormat.Description);
        var replies = new Option<string?>("--replies") { Description = "Keep every reply, as JSON Lines, for inspection.", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print only the JSON result." };
        var run = new Option<string?>("--run")
        {
            Description = "The run that keeps the result for its report; with --endpoint also the gateway's cache, ledger and failure log (made if missing). " +
                          "Without it, nothing is kept and no run is made or changed.",
            HelpName = "DIR",
        };

        var command = new Command(name, description)
        {
            model, endpoint, endpointModel, keyVariable, data, tasks, maxNewTokens, format, replies, json, run,
        };
        command.SetAction((parse, cancellation) => CommandBody.RunAsync(parse, async output =>
        {
            if ((parse.GetValue(model) is null) == (parse.GetValue(endpoint) is null))
                throw new Core.BadInputException("give either --model DIR or --endpoint URL");
            if (parse.GetValue(replies) is { } repliesPath)
                WritablePlace.Check(repliesPath, "--replies");
            var loaded = load(BbhEvaluation.Files(parse.GetValue(data)!, parse.GetValue(tasks)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
                parse.InvocationConfiguration.Error);
            if (parse.GetValue(endpoint) is { } address && !Uri.TryCreate(address, UriKind.Absolute, out _))
                throw new Core.BadInputException($"--endpoint {address}: not an absolute URL");
            string? runFolder = parse.GetValue(run);
            // An endpoint's requests go through a gateway, in the named run (made if missing) or a
            // scratch store; a local model's result joins a run only when one is named.
            var (store, config, handle) = parse.GetValue(endpoint) is not null || runFolder is not null
                ? EvaluationRun.Open(runFolder, output, parse.GetValue(json), $"lion eval {name}")
                : (null, null, null);
            using var disposeHandle = handle;
            using var disposeStore = store;
            // Without --endpoint-model, the server's only model: a server need not call its model "student".
            string? modelName = parse.GetValue(endpoint) is { } asked ? parse.GetValue(endpointModel)
                ?? await Core.Gateway.EndpointModels.OnlyAsync(new Uri(asked), Environment.GetEnvironmentVariable(parse.GetValue(keyVariable) ?? "OPENAI_API_KEY"),
                    "--endpoint-model", cancellation) : null;
            BbhEvaluation.Result result;
            string subject;
            try
            {
                (result, subject) = parse.GetValue(endpoint) is { } url
                    ? (await ByEndpoint(loaded, url, modelName!, parse.GetValue(keyVariable), parse.GetValue(maxNewTokens), store!, config!, cancellation),
                        $"{modelName} at {url}")
                    : (await ByModel(loaded, parse.GetValue(model)!, CheckpointPromptFormat.Resolve(parse.GetValue(format), parse.GetValue(model)), parse.GetValue(maxNewTokens), cancellation),
                        Path.GetFullPath(parse.GetValue(model)!));
            }
            catch (Core.Gateway.RemoteRequestException stop) when (stop.StopsTheRun)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: the endpoint refuses the evaluation: {stop.Message}");
                return ExitCode.RemoteError;
            }
            catch (Core.Gateway.BudgetExceededException budget)
            {
                parse.InvocationConfiguration.Error.WriteLine($"Stopped at the run's budget: {budget.Message}. Every reply paid for is cached: the same command continues.");
                return ExitCode.RemoteError;
            }
            string summary = JsonSerializer.Serialize(new
            {
                tasks = result.Tasks.Select(t => new { task = t.Task, items = t.Items, correct = t.Correct, unanswered = t.Unanswered, accuracy = Math.Round(t.Accuracy, 4) }),
                average = Math.Round(result.Average, 4),
                overall = Math.Round(result.Overall, 4),
            });
            if (runFolder is not null)
                store?.Evaluations.SaveBenchmarkResult(name, subject, Path.GetFullPath(parse.GetValue(data)!), summary);

            if (parse.GetValue(replies) is { } path)
                File.WriteAllLines(path, result.Replies.Select(r => JsonSerializer.Serialize(new
                {
                    task = r.Task, input = r.Input, target = r.Target, reply = r.Text, extracted = r.Extracted, correct = r.Correct,
                })));
            if (!parse.GetValue(json))
            {
                output.WriteLine($"{"task",-45} {"items",6} {"correct",8} {"no answer",10} {"accuracy",9}");
                foreach (var task in result.Tasks)
                    output.WriteLine($"{task.Task,-45} {task.Items,6} {task.Correct,8} {task.Unanswered,10} {task.Accuracy,9:P1}");
                output.WriteLine($"{"average over tasks",-45} {result.Tasks.Sum(t => t.Items),6} {result.Tasks.Sum(t => t.Correct),8} "
                                 + $"{result.Tasks.Sum(t => t.Unanswered),10} {result.Average,9:P1}");
                if (result.Tasks.Sum(t => t.Unanswered) > 0)
                    output.WriteLine("Replies with no answer of the target's form count as wrong" + (parse.GetValue(replies) is { } kept ? $"; {kept} lists them (\"extracted\": null)." : "; --replies FILE lists them."));
            }
            output.WriteLine(summary);
            return ExitCode.Success;
        }));
        return command;
    }

    private static async Task<BbhEvaluation.Result> ByModel(List<(string, IReadOnlyList<BbhExample>)> tasks, string folder, PromptFormat promptFormat,
        int maxNewTokens, CancellationToken cancellationToken)
    {
        var (student, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder, StudentKernels.FromEnvironment());
        using var disposeModel = student;
        using var disposeTokenizer = tokenizer as IDisposable;
        var generator = new TextGenerator(student, tokenizer);
        var options = new SamplingOptions { MaxNewTokens = maxNewTokens };
        // Tensor work for minutes: on a thread of its own.
        return await BbhEvaluation.RunAsync(tasks, (questions, token) => Task.Factory.StartNew<IReadOnlyList<string>>(() => questions.Chunk(Batch)
            .SelectMany(batch =>
            {
                token.ThrowIfCancellationRequested();
                return generator.CompleteAll(batch.Select(q => StudentPrompt.Format(promptFormat, q, "")).ToList(), options);
            })
            .Select(reply => reply.Text).ToList(), token, TaskCreationOptions.LongRunning, TaskScheduler.Default), cancellationToken);
    }

    /// <summary>
    /// A model behind any OpenAI-compatible endpoint, asked each question as one user message,
    /// greedily, through the run's gateway: a repeat is answered from the cache, and a request
    /// that fails for good counts as unanswered, never as a score.
    /// </summary>
    private static Task<BbhEvaluation.Result> ByEndpoint(List<(string, IReadOnlyList<BbhExample>)> tasks, string url, string modelName, string? keyVariable,
        int maxNewTokens, Core.Store.RunStore store, Core.Config.RunConfig config, CancellationToken cancellationToken)
    {
        var role = new Core.Config.RoleSettings { Endpoint = url, Model = modelName, ApiKeyEnv = keyVariable, Temperature = 0, MaxTokens = maxNewTokens };
        var client = CommandLineHost.Gateway(store, config, new Dictionary<Role, Core.Config.RoleSettings> { [Role.Evaluated] = role }).For(Role.Evaluated);
        var options = new Microsoft.Extensions.AI.ChatOptions { ModelId = modelName, Temperature = 0, MaxOutputTokens = maxNewTokens };
        return BbhEvaluation.RunAsync(tasks, async (questions, cancellation) =>
        {
            var replies = new string[questions.Count];
            await Parallel.ForAsync(0, questions.Count, new ParallelOptions { MaxDegreeOfParallelism = config.Concurrency, CancellationToken = cancellation },
                async (i, token) =>
            {
                try
                {
                    replies[i] = (await client.GetResponseAsync(
                        [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, questions[i])], options, token)).Text;
                }
                catch (Core.Gateway.RemoteRequestException error) when (!error.StopsTheRun)
                {
                    // Counted as unanswered, never as a score.
                    replies[i] = "";
                }
            });
            return replies;
        }, cancellationToken);
    }
}
