using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lion.Core.Config;

/// <summary>
/// Turns a YAML config into the equivalent JSON, so one strict reader checks both. Plain
/// scalars that read as numbers, true/false or null become those; quoted scalars stay text.
/// </summary>
public static partial class YamlConfig
{
    public static bool IsYaml(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml";

    public static string ToJson(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw BadInputException.AtLine(source, (int)error.Start.Line, $"malformed YAML: {error.Message}");
        }
        if (stream.Documents.Count == 0)
            return "{}";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
            Write(json, stream.Documents[0].RootNode);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter json, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                json.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    json.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    Write(json, value);
                }
                json.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                json.WriteStartArray();
                foreach (var item in sequence.Children)
                    Write(json, item);
                json.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(json, scalar);
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, YamlScalarNode scalar)
    {
        string text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            json.WriteStringValue(text);
        else if (text is "" or "~" or "null" or "Null" or "NULL")
            json.WriteNullValue();
        else if (text is "true" or "True" or "TRUE")
            json.WriteBooleanValue(true);
        else if (text is "false" or "False" or "FALSE")
            json.WriteBooleanValue(false);
        else if (Number().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            json.WriteRawValue(text.TrimStart('+'));
        else
            json.WriteStringValue(text);
    }

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex Number();
}
