using System.Diagnostics;
using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Microsoft.Extensions.AI;

namespace Lion.Core.Students;

/// <summary>
/// A student trained and served outside this process: the multi-GPU path. Training writes the
/// examples as Alpaca JSON (beside the output folder, as FOLDER.train.json) and runs the configured command with {data}, {previous} and {output}
/// filled in (torchrun with the user's trainer, say); the output folder is the new checkpoint.
/// Answers come from an OpenAI-compatible endpoint (vLLM, llama.cpp server, Ollama); a model
/// name with {checkpoint} in it names the loaded checkpoint.
/// </summary>
public sealed class ExternalStudent(StudentSettings settings, IChatClient endpoint, int concurrency) : IStudent
{
    private string? _checkpoint = settings.BaseCheckpoint;

    /// <summary>The student behind its endpoint; failed requests are recorded in <paramref name="failures"/> as the role "student".</summary>
    public static ExternalStudent Create(StudentSettings settings, int concurrency, RetrySettings retry, IFailureLog? failures = null)
    {
        var endpoint = new EndpointSettings(new Uri(settings.Endpoint!), settings.ApiKeyEnv);
        IChatClient client = new RetryingChatClient(OpenAiEndpoint.Create(endpoint, settings.Model), retry,
            failures is null ? null : (failure, attempt) => failures.Record("student", settings.Model, failure, attempt));
        return new ExternalStudent(settings, new SanitizingChatClient(client), concurrency);
    }

    public Task LoadAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        _checkpoint = checkpoint ?? settings.BaseCheckpoint;
        return Task.CompletedTask;
    }

    public async Task<string> TrainAsync(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken)
    {
        // The dataset goes beside the output folder, not into it: the trainer gets {output} as its
        // own (`lion train --out` refuses a folder holding files that are not a checkpoint's).
        Directory.CreateDirectory(outputFolder);
        string data = Path.GetFullPath(outputFolder.TrimEnd('/', '\\') + ".train.json");
        await using (var stream = File.Create(data))
            DatasetWriter.Write(examples.Select((e, i) => new DatasetRecord($"train-{i}", new InstructionRecord(e.Instruction, e.Input, e.Output))),
                ExportFormat.Alpaca, stream);

        string output = Path.GetFullPath(outputFolder);
        string command = settings.TrainCommand!
            .Replace("{data}", Quote(data))
            .Replace("{previous}", Quote(_checkpoint ?? ""))
            .Replace("{output}", Quote(output));
        var start = new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the training command");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new StudentTrainingException(
                $"the training command exited with {process.ExitCode}: {Tail(await stderr)}{Tail(await stdout)}".TrimEnd());
        _checkpoint = output;
        return output;
    }

    public async Task<IReadOnlyList<StudentReply>> AnswerAsync(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken)
    {
        var replies = new StudentReply[questions.Count];
        var options = new ChatOptions
        {
            ModelId = settings.Model.Replace("{checkpoint}", _checkpoint ?? ""),
            Temperature = (float)settings.Temperature,
            MaxOutputTokens = settings.MaxTokens,
        };
        await Parallel.ForAsync(0, questions.Count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var question = Prompts.StudentPrompt.Question(questions[i].Instruction, questions[i].Input);
                try
                {
                    var response = await endpoint.GetResponseAsync([new ChatMessage(ChatRole.User, question)], options, token);
                    replies[i] = new StudentReply(response.Text, response.FinishReason ?? ChatFinishReason.Stop);
                }
                catch (RemoteRequestException refused) when (Loop.ItemOutcome.IsUnanswerable(refused))
                {
                    // Over the served model's context, say: this question has no answer to judge, and the rest go on.
                    replies[i] = new StudentReply("", Loop.ItemOutcome.Unanswerable);
                }
            });
        return replies;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
