using Lion.Core.Config;
using Lion.Core.Store;
using Lion.Core.Students;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>What every stage works with: the store, the config, the three roles, the student, and where to report.</summary>
public sealed record LoopContext(
    RunStore Store,
    RunConfig Config,
    IChatClient Teacher,
    IChatClient Referee,
    IChatClient Generator,
    IStudent Student,
    Action<string> Report)
{
    /// <summary>
    /// Where counted work reports each item done (what, done, total), for a live display; without
    /// one, progress is a plain line every tenth of the way.
    /// </summary>
    public Action<string, int, int>? Progress { get; init; }

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
