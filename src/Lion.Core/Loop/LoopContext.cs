using Lion.Core.Config;
using Lion.Core.Store;
using Lion.Core.Students;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>What every stage works with: the store, the config, the three roles, the student, and who watches.</summary>
public sealed record LoopContext(
    RunStore Store,
    RunConfig Config,
    IChatClient Teacher,
    IChatClient Referee,
    IChatClient Generator,
    IStudent Student,
    IProgress<LoopEvent> Events)
{
    /// <summary>Marks the stage started in the store and tells the watchers.</summary>
    public void Started(int iteration, LoopStage stage)
    {
        Store.Loop.StageStarted(iteration, stage);
        Events.Report(new StageStarted(iteration, stage));
    }

    public void Note(string text) => Events.Report(new StageNote(text));

    /// <summary>A counter for <paramref name="total"/> items of <paramref name="work"/>, reported as they are done.</summary>
    public WorkCounter Count(int iteration, LoopStage stage, WorkKind work, int total) => new(Events, iteration, stage, work, total);

    public string StudentFolder(int iteration) => Path.Combine(Store.Folder, "student", $"iteration-{iteration}");

    public static ChatOptions Options(RoleSettings role, int? maxTokens = null, long? seed = null) => new()
    {
        ModelId = role.Model,
        Temperature = (float?)role.Temperature,
        TopP = (float?)role.TopP,
        MaxOutputTokens = maxTokens ?? role.MaxTokens,
        Seed = seed,
    };

    /// <summary>The question as the teacher and referee see it: the instruction, then the input.</summary>
    public static string Question(PoolItem item) => Prompts.StudentPrompt.Question(item.Instruction, item.Input);

    /// <summary>Runs <paramref name="work"/> over the items with the configured concurrency, or <paramref name="concurrency"/>.</summary>
    public Task ForEach<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> work, CancellationToken cancellationToken, int? concurrency = null) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency ?? Config.Concurrency, CancellationToken = cancellationToken }, work);
}
