using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Students;

/// <summary>
/// A student trained and served outside this process: the multi-GPU path. Training writes the
/// examples as Alpaca JSON (beside the output folder, as FOLDER.train.json) and runs the
/// configured command with {data}, {previous} and {output} filled in (torchrun with the user's
/// trainer, say), its output streamed to FOLDER.train.log; the output folder is the new
/// checkpoint. {previous} is the last checkpoint, at first <c>student.base_checkpoint</c> (empty
/// without one). Answers come from an OpenAI-compatible endpoint: the one the user runs
/// (<c>student.endpoint</c>; a model name with {checkpoint} in it names the loaded checkpoint), or
/// the <see cref="StudentServer"/> lion starts on the loaded checkpoint with <c>student.serve_command</c>.
/// </summary>
public sealed class ExternalStudent : IStudent, IAsyncDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private readonly StudentSettings _settings;
    private readonly Func<Uri, IChatClient> _clientFor;
    private readonly int _concurrency;
    private readonly StudentServer? _server;
    private readonly Dictionary<Uri, IChatClient> _clients = [];
    private string? _checkpoint;

    public ExternalStudent(StudentSettings settings, Func<Uri, IChatClient> clientFor, int concurrency, StudentServer? server = null)
    {
        _settings = settings;
        _clientFor = clientFor;
        _concurrency = concurrency;
        _server = server;
        _checkpoint = settings.BaseCheckpoint;
    }

    /// <summary>
    /// The student behind its endpoint, or behind the server lion runs for it in <paramref name="runFolder"/>;
    /// failed requests, and requests fitted to the served model's context, are recorded in
    /// <paramref name="log"/> as the role "student".
    /// </summary>
    public static ExternalStudent Create(StudentSettings settings, int concurrency, RetrySettings retry, IGatewayLog? log = null,
        string? runFolder = null, Action<string>? report = null)
    {
        IChatClient ClientFor(Uri baseUrl)
        {
            var endpoint = new EndpointSettings(baseUrl, settings.ApiKeyEnv);
            var contexts = new System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<int?>>>();
            IChatClient chain = new RetryingChatClient(OpenAiEndpoint.Create(endpoint, settings.Model, "student"), retry,
                log is null ? null : (failure, attempt) => log.Record("student", settings.Model, failure, attempt));
            // The served model's context is asked once per model the server names (a new checkpoint may be another).
            chain = new ContextFittingChatClient(chain,
                (model, token) => contexts.GetOrAdd(model ?? settings.Model,
                    id => new Lazy<Task<int?>>(() => EndpointModels.ContextLengthAsync(endpoint, id, "student", CancellationToken.None))).Value.WaitAsync(token),
                new TokenEstimator(settings.Model),
                (asked, given) => log?.RecordClamp("student", settings.Model, asked, given));
            chain = new ConfigRefusalChatClient(chain, ConfigKeys.Of("student"));
            return new SanitizingChatClient(chain);
        }
        var server = settings.ServeCommand is null ? null : new StudentServer(settings, runFolder ?? ".", report ?? (_ => { }));
        // A server a killed lion left behind holds the GPU this run needs.
        server?.StopStale();
        return new ExternalStudent(settings, ClientFor, concurrency, server);
    }

    public Task LoadAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        _checkpoint = checkpoint ?? _settings.BaseCheckpoint;
        return Task.CompletedTask;
    }

    public async Task<string> TrainAsync(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken)
    {
        // The server's memory is the trainer's now, unless it stays up to take the new adapter.
        if (_server is not null && _settings.Reload == StudentReload.Restart)
            await _server.StopAsync();
        // The dataset goes beside the output folder, not into it: the trainer gets {output} as its
        // own (`lion train --out` refuses a folder holding files that are not a checkpoint's).
        Directory.CreateDirectory(outputFolder);
        string stem = Path.GetFullPath(outputFolder).TrimEnd('/', '\\');
        string data = stem + ".train.json";
        await using (var stream = File.Create(data))
            DatasetWriter.Write(examples.Select((e, i) => new DatasetRecord($"train-{i}", new InstructionRecord(e.Instruction, e.Input, e.Output))),
                ExportFormat.Alpaca, stream);

        // LLaMA-Factory's entry "lion" beside it: `dataset: lion` with `dataset_dir` its folder is this iteration's set.
        DatasetInfo.Write(data, ExportFormat.Alpaca, "lion");
        string output = Path.GetFullPath(outputFolder);
        string command = _settings.TrainCommand!
            .Replace("{data}", ProcessGroup.Quote(data))
            .Replace("{previous}", ProcessGroup.Quote(_checkpoint ?? ""))
            .Replace("{output}", ProcessGroup.Quote(output));
        var training = ProcessGroup.Start(command, stem + ".train.log");
        try
        {
            await training.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C stops the trainer and everything it started; the same command trains again.
            await training.StopAsync(Grace);
            throw;
        }
        if (training.ExitCode != 0)
            throw new StudentTrainingException($"the training command exited with {training.ExitCode} ({training.Log}):\n{training.Tail()}");
        _checkpoint = output;
        return output;
    }

    public async Task<IReadOnlyList<StudentReply>> AnswerAsync(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken)
    {
        var replies = new StudentReply?[questions.Count];
        while (true)
        {
            var (client, model) = await EndpointAsync(cancellationToken);
            try
            {
                await AnswerMissingAsync(client, model, questions, replies, cancellationToken);
                return replies.Select(r => r!).ToList();
            }
            catch (RemoteRequestException) when (_server is { HasDied: true })
            {
                // The server died under the requests: it is started again (bounded) and asked what is missing.
            }
        }
    }

    private async Task<(IChatClient Client, string Model)> EndpointAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
            return (Client(new Uri(_settings.Endpoint!)), _settings.Model.Replace("{checkpoint}", _checkpoint ?? ""));
        string checkpoint = _checkpoint ?? throw new StudentServerException(
            "there is no checkpoint to serve yet: set student.base_checkpoint, or let the first imitation make one");
        var (baseUrl, model) = await _server.EnsureAsync(checkpoint, cancellationToken);
        return (Client(baseUrl), model);
    }

    private IChatClient Client(Uri baseUrl)
    {
        lock (_clients)
            return _clients.TryGetValue(baseUrl, out var client) ? client : _clients[baseUrl] = _clientFor(baseUrl);
    }

    private async Task AnswerMissingAsync(IChatClient client, string model, IReadOnlyList<StudentQuestion> questions, StudentReply?[] replies,
        CancellationToken cancellationToken)
    {
        var options = new ChatOptions { ModelId = model, Temperature = (float?)_settings.Temperature, MaxOutputTokens = _settings.MaxTokens };
        await Parallel.ForAsync(0, questions.Count, new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                if (replies[i] is not null)
                    return;
                var question = Prompts.StudentPrompt.Question(questions[i].Instruction, questions[i].Input);
                try
                {
                    var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, question)], options, token);
                    replies[i] = new StudentReply(response.Text, response.FinishReason ?? ChatFinishReason.Stop);
                }
                catch (RemoteRequestException refused) when (ItemOutcome.IsRefusal(refused))
                {
                    // A prompt over the served model's context, say: this question has no answer to judge, and the rest go on.
                    replies[i] = new StudentReply(refused.Failure.Message, ItemOutcome.FinishOf(refused));
                }
            });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
