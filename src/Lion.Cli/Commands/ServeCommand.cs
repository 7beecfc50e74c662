using System.CommandLine;
using Lion.Endpoint;
using Lion.Cli.Serving;
using Lion.Core;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;

namespace Lion.Cli.Commands;

/// <summary>`lion serve`: a student checkpoint behind the OpenAI-compatible endpoint, concurrent requests decoded together.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A Hugging Face model folder.", HelpName = "DIR", Required = true };
        var name = new Option<string?>("--served-model-name")
        {
            Description = "The model name clients ask for (default: the folder's name).",
            HelpName = "NAME",
        };
        var format = WordOption.Optional<PromptFormat>("--prompt-format", CheckpointPromptFormat.Description);
        var maxBatch = new Option<int>("--max-batch")
        {
            Description = "Requests decoded together at most; more wait for a free row.",
            DefaultValueFactory = _ => 16,
        };
        var maxConcurrent = new Option<int?>("--max-concurrent")
        {
            Description = "Requests accepted at once, decoding or waiting; beyond it a 429 with Retry-After (default: 4 × --max-batch).",
            HelpName = "N",
        };
        var enableLora = new Option<bool>("--enable-lora")
        {
            Description = "Offer vLLM's POST /v1/load_lora_adapter and /v1/unload_lora_adapter: adapters (PEFT's layout) loaded at run time, each served under its name.",
        };
        var server = new ServerOptions();

        var command = new Command("serve", "Serve a student checkpoint as an OpenAI-compatible endpoint until stopped.")
        {
            model, name, format, maxBatch, maxConcurrent, enableLora,
        };
        server.AddTo(command);
        command.SetAction(async (parse, cancellation) => await CommandBody.RunAsync(parse, async output =>
        {
            string? key = server.Key(parse);
            int batch = parse.GetValue(maxBatch);
            if (batch < 1 || parse.GetValue(maxConcurrent) is < 1)
                throw new Lion.Core.BadInputException("--max-batch and --max-concurrent must be at least 1");
            string folder = Path.GetFullPath(parse.GetValue(model)!);
            var promptFormat = CheckpointPromptFormat.Resolve(parse.GetValue(format), folder);
            var (student, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(folder, StudentKernels.FromEnvironment());
            using var disposeModel = student;
            using var disposeTokenizer = tokenizer as IDisposable;
            using var batcher = new ContinuousBatcher(student, tokenizer, batch);
            string served = parse.GetValue(name) ?? Path.GetFileName(folder.TrimEnd('/'));
            using var adapters = parse.GetValue(enableLora)
                ? new LoraModels(new StudentChatClient(batcher, promptFormat), served, batch, promptFormat, line => { lock (output) output.WriteLine(line); })
                : null;
            var options = new ChatServerOptions
            {
                Adapters = adapters,
                Host = parse.GetValue(server.Host)!,
                Port = parse.GetValue(server.Port),
                ApiKey = key,
                Models = [served],
                ContextLength = batcher.ContextLength,
                Completions = new StudentCompletions(student, tokenizer, batcher),
                MaxConcurrentRequests = parse.GetValue(maxConcurrent) ?? 4 * batch,
            };
            await using var endpoint = await ChatServer.StartAsync(adapters ?? (Microsoft.Extensions.AI.IChatClient)new StudentChatClient(batcher, promptFormat),
                options, cancellation);
            output.WriteLine($"Serving {folder} at {endpoint.BaseUrl} as model \"{served}\" ({Vocabulary<PromptFormat>.Word(promptFormat)} prompts, "
                             + $"{student.Config.MaxPositionEmbeddings}-token context, batches of up to {batch}); Ctrl-C stops.");
            await ServerOptions.UntilStopped(cancellation);
            output.WriteLine($"Stopped after {endpoint.Received} requests.");
            return ExitCode.Success;
        }));
        return command;
    }
}
