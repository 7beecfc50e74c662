using Lion.Core.Evaluation;
using Lion.Core.Prompts;

namespace Lion.Core.Config;

/// <summary>
/// What a run config names outside itself (prompt templates, test sets, the environment variables
/// of its keys), checked before a run stores the config or pays for a request: a missing one is an
/// input error then, not a crash after the first iteration's answers.
/// </summary>
public static class ConfigReferences
{
    /// <summary>Throws a <see cref="BadInputException"/> naming the key and the path when one is missing or unusable.</summary>
    /// <param name="keys">Whether the key variables must be set now: not for a run only made here (`lion init`), to be run elsewhere.</param>
    public static void Check(RunConfig config, string runFolder, string source, bool keys = true)
    {
        if (keys)
            RunGateway.CheckKeys(RunGateway.LoopRoles(config));
        foreach (var (key, path) in new[] { ("referee", config.Prompts.Referee), ("generator_hard", config.Prompts.GeneratorHard),
                     ("generator_easy", config.Prompts.GeneratorEasy) })
            if (path is not null && !File.Exists(path))
                throw BadInputException.InFile(source, $"prompts.{key}: no such file {path} (a relative path is taken from the folder lion runs in)");
        _ = new PromptSet(config.Prompts);
        foreach (var (set, folder) in TestSetFolders(config, runFolder))
        {
            if (!Directory.Exists(folder))
                throw BadInputException.InFile(source, $"evaluation.{Key(set)}: no such folder {folder} (a relative path is taken from the run folder)");
            BbhEvaluation.Files(folder);
        }
    }

    /// <summary>The test sets a run scores, each with its folder (a relative path taken from the run folder).</summary>
    public static IEnumerable<(TestSet Set, string Folder)> TestSetFolders(RunConfig config, string runFolder)
    {
        if (config.Evaluation.BbhData is { } heldOut)
            yield return (TestSet.HeldOut, Path.Combine(runFolder, heldOut));
        if (config.Evaluation.BenchmarkSizedData is { } sized)
            yield return (TestSet.BenchmarkSized, Path.Combine(runFolder, sized));
    }

    private static string Key(TestSet set) => set == TestSet.HeldOut ? "bbh_data" : "benchmark_sized_data";
}
