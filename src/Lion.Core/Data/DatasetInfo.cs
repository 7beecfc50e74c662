using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lion.Core.Data;

/// <summary>
/// The entry LLaMA-Factory needs to train on an exported file: `dataset_info.json` beside it,
/// keyed by the file's name without extension (or the name given), with the columns of its
/// format. Entries already in the file are kept; the one of this name is replaced.
/// </summary>
public static class DatasetInfo
{
    public const string FileName = "dataset_info.json";

    public static string Write(string datasetPath, ExportFormat format, string? entry = null)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(datasetPath))!;
        string path = Path.Combine(folder, FileName);
        JsonObject info;
        try
        {
            info = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not an object") : [];
        }
        catch (JsonException error)
        {
            throw BadInputException.InFile(path, $"is not a JSON object of dataset entries ({error.Message}); fix or move it, and export again");
        }
        info[entry ?? Path.GetFileNameWithoutExtension(datasetPath)] = Entry(Path.GetFileName(datasetPath), format);
        File.WriteAllText(path, info.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }

    private static JsonObject Entry(string fileName, ExportFormat format) => format switch
    {
        ExportFormat.ShareGpt => new JsonObject
        {
            ["file_name"] = fileName,
            ["formatting"] = "sharegpt",
            ["columns"] = new JsonObject { ["messages"] = "conversations" },
        },
        ExportFormat.Messages => new JsonObject
        {
            ["file_name"] = fileName,
            ["formatting"] = "sharegpt",
            ["columns"] = new JsonObject { ["messages"] = "messages" },
            ["tags"] = new JsonObject { ["role_tag"] = "role", ["content_tag"] = "content", ["user_tag"] = "user", ["assistant_tag"] = "assistant" },
        },
        ExportFormat.DpoMessages => throw new BadInputException(
            "--dataset-info: LLaMA-Factory reads preference pairs as --format dpo; dpo-messages is TRL's conversational form"),
        ExportFormat.JsonLines => throw new BadInputException(
            "--dataset-info registers a file a trainer can learn from whole; a jsonl export keeps every record, answered or not: " +
            "export --format alpaca, sharegpt or messages (or dpo) to register one"),
        ExportFormat.Dpo => new JsonObject
        {
            ["file_name"] = fileName,
            ["ranking"] = true,
            ["columns"] = new JsonObject { ["prompt"] = "instruction", ["query"] = "input", ["chosen"] = "chosen", ["rejected"] = "rejected" },
        },
        _ => new JsonObject
        {
            ["file_name"] = fileName,
            ["formatting"] = "alpaca",
            ["columns"] = new JsonObject { ["prompt"] = "instruction", ["query"] = "input", ["response"] = "output" },
        },
    };
}
