using System.Text.Json;
using Lion.Core.Data;

namespace Lion.Core.Store;

/// <summary>What a new run starts with besides its seeds: the config text and where it came from.</summary>
public sealed record RunSetup(string ConfigJson = "{}", string? ConfigSource = null)
{
    /// <summary>Reads a JSON config file, refusing anything but a well-formed JSON object.</summary>
    public static RunSetup FromConfigFile(string path)
    {
        var file = Utf8File.Read(path);
        try
        {
            using var document = JsonDocument.Parse(file.Bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw BadInputException.AtLine(path, 1, "a config file must hold one JSON object");
        }
        catch (JsonException error)
        {
            int line = (int)(error.LineNumber ?? 0) + 1;
            throw BadInputException.AtLine(path, line, "malformed JSON in the config file");
        }
        return new RunSetup(System.Text.Encoding.UTF8.GetString(file.Bytes), Path.GetFullPath(path));
    }
}
