using Lion.Core.Config;
using Lion.Core.Prompts;
using Lion.Core.Students;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch;

/// <summary>
/// The in-process student: a LLaMA-family model on TorchSharp, fine-tuned and run in this
/// process, its checkpoints Hugging Face folders with their tokenizer.json. It starts from the
/// configured base folder or, without one, from a fresh tiny model with the byte-level tokenizer. Prompts are in the
/// configured student format (Alpaca by default, or ChatML). Every model it builds takes the
/// fused kernels it was given (null: those measured faster on this CPU).
/// </summary>
public sealed class TorchStudent(StudentSettings settings, int seed, Action<string>? report = null, IReadOnlySet<Model.Fused.FusedKernel>? kernels = null)
    : IStudent, IDisposable
{
    private const int AnswerBatch = 16;
    private ITextTokenizer _tokenizer = new ByteTokenizer();
    private bool _trainedBefore;
    private LlamaForCausalLM? _model;

    public Task LoadAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        _model?.Dispose();
        (_tokenizer as IDisposable)?.Dispose();
        _trainedBefore = checkpoint is not null;
        string? folder = checkpoint ?? settings.BaseCheckpoint;
        (_model, _tokenizer) = folder is null ? (Fresh(), new ByteTokenizer()) : HuggingFaceFolder.LoadWithTokenizer(folder, kernels);
        return Task.CompletedTask;
    }

    public Task<string> TrainAsync(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken) =>
        OnOwnThread(() => Train(examples, outputFolder, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StudentReply>> AnswerAsync(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken) =>
        OnOwnThread(() => Answer(questions, cancellationToken), cancellationToken);

    /// <summary>Minutes of tensor work run on a thread of their own, so the caller's progress display and Ctrl-C stay live.</summary>
    private static Task<T> OnOwnThread<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private string Train(IReadOnlyList<TrainingExample> examples, string outputFolder, CancellationToken cancellationToken)
    {
        var model = _model ?? throw new InvalidOperationException("load a checkpoint before training");
        var trainer = new SftTrainer(new TrainingOptions
        {
            Epochs = _trainedBefore ? settings.LaterEpochs ?? settings.Epochs : settings.Epochs,
            LearningRate = settings.LearningRate,
            BatchSize = settings.BatchSize,
            MaxLength = settings.MaxLength,
            Seed = seed,
            Precision = settings.Precision,
            GradientCheckpointing = settings.GradientCheckpointing,
            // A run killed mid-training picks up here, mid-epoch, when the stage runs again.
            StateFolder = Path.GetFullPath(outputFolder).TrimEnd('/') + ".training",
        }, report);
        var data = examples.Select(e => (_tokenizer.Encode(StudentPrompt.Format(settings.PromptFormat, e.Instruction, e.Input)), _tokenizer.Encode(e.Output))).ToList();
        trainer.Train(model, data, cancellationToken);
        _trainedBefore = true;
        HuggingFaceFolder.Save(model, outputFolder, _tokenizer, promptFormat: settings.PromptFormat);
        return Path.GetFullPath(outputFolder);
    }

    private IReadOnlyList<StudentReply> Answer(IReadOnlyList<StudentQuestion> questions, CancellationToken cancellationToken)
    {
        var generator = new TextGenerator(_model ?? throw new InvalidOperationException("load a checkpoint before answering"), _tokenizer);
        var options = new SamplingOptions { Temperature = settings.Temperature, MaxNewTokens = settings.MaxTokens, Seed = seed };
        var replies = new List<StudentReply>();
        foreach (var batch in questions.Chunk(AnswerBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prompts = batch.Select(q => StudentPrompt.Format(settings.PromptFormat, q.Instruction, q.Input)).ToList();
            replies.AddRange(generator.CompleteAll(prompts, options).Select(r => new StudentReply(r.Text, r.FinishReason)));
        }
        return replies;
    }

    public void Dispose()
    {
        _model?.Dispose();
        (_tokenizer as IDisposable)?.Dispose();
    }

    private LlamaForCausalLM Fresh()
    {
        manual_seed(seed);
        return new LlamaForCausalLM(settings.FreshSize == FreshSize.Small ? LlamaConfig.SmallByteLevel : LlamaConfig.TinyByteLevel, kernels);
    }
}
