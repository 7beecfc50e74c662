using Lion.Core.Evaluation;
using Lion.Core.Prompts;

namespace Lion.Core.Config;

/// <summary>
/// The files and folders a run config names (prompt templates, held-out tasks), checked before a
/// run stores the config or pays for a request: a missing one is an input error then, not a
/// crash after the first iteration's answers.
/// </summary>
public static class ConfigReferences
{
    /// <summary>Throws a <see cref="BadInputException"/> naming the key and the path when one is missing or unusable.</summary>
    public static void Check(RunConfig config, string runFolder, string source)
    {
        _ = new PromptSet(config.Prompts);
        if (HeldOutFolder(config, runFolder) is not { } folder)
            return;
        if (!Directory.Exists(folder))
            throw BadInputException.InFile(source, $"evaluation.bbh_data: no such folder {folder} (a relative path is taken from the run folder)");
        BbhEvaluation.Files(folder);
    }

    /// <summary>The held-out task folder, a relative path taken from the run folder; null when the run scores none.</summary>
    public static string? HeldOutFolder(RunConfig config, string runFolder) => config.Evaluation.BbhData is { } folder
        ? Path.IsPathRooted(folder) ? folder : Path.Combine(runFolder, folder)
        : null;
}
