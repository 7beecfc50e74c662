using Lion.Core;

namespace Lion.Cli.Commands;

/// <summary>
/// Where `lion train` may write a checkpoint: a folder that does not exist yet, an empty one, or
/// one that holds a checkpoint and nothing else (saving replaces it whole). Anything else is the
/// user's and is refused untouched, unless they say --overwrite.
/// </summary>
internal static class CheckpointFolder
{
    /// <summary>The files of a Hugging Face checkpoint as `lion train` and the ecosystem write it.</summary>
    private static readonly HashSet<string> CheckpointFiles =
    [
        "config.json", "model.safetensors", "model.safetensors.index.json", "generation_config.json",
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "adapter_config.json", "adapter_model.safetensors",
    ];

    public static void CheckWritable(string folder, bool overwrite)
    {
        if (File.Exists(folder))
            throw BadInputException.InFile(folder, "is a file; --out names the folder the checkpoint is written to");
        // Saving writes beside the folder and renames: that place must take files, found out before any training.
        WritablePlace.Check(folder, "--out");
        if (overwrite || !Directory.Exists(folder))
            return;
        var foreign = Directory.EnumerateFileSystemEntries(folder)
            .Where(entry => Directory.Exists(entry) || !IsCheckpointFile(Path.GetFileName(entry)))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (foreign.Count > 0)
            throw BadInputException.InFile(folder,
                $"holds files that are not a checkpoint's ({string.Join(", ", foreign.Take(3))}{(foreign.Count > 3 ? $" and {foreign.Count - 3} more" : "")}); " +
                "saving would replace the whole folder. Choose an empty or new folder, or add --overwrite to replace it");
    }

    private static bool IsCheckpointFile(string? name) =>
        name is not null && (CheckpointFiles.Contains(name) || name.StartsWith("model-", StringComparison.Ordinal) && name.EndsWith(".safetensors", StringComparison.Ordinal));
}
