using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Lion.Core.Config;

/// <summary>How many new instructions are asked for from hard seeds against easy ones, written "1:1" or "3:1".</summary>
[JsonConverter(typeof(HardEasyRatioJsonConverter))]
public readonly partial record struct HardEasyRatio(int Hard, int Easy)
{
    /// <summary>Each part at most this, so every product of the run's counts fits an int.</summary>
    public const int MaxPart = 1000;

    public static bool TryParse(string text, out HardEasyRatio ratio)
    {
        ratio = default;
        var match = Pattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, out int hard) || !int.TryParse(match.Groups[2].Value, out int easy)
            || hard > MaxPart || easy > MaxPart || hard + easy == 0)
            return false;
        ratio = new HardEasyRatio(hard, easy);
        return true;
    }

    public override string ToString() => $"{Hard}:{Easy}";

    [GeneratedRegex(@"^(\d+):(\d+)$")]
    private static partial Regex Pattern();

    private sealed class HardEasyRatioJsonConverter : JsonConverter<HardEasyRatio>
    {
        public override HardEasyRatio Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TryParse(reader.GetString() ?? "", out var ratio) ? ratio : throw new JsonException("expected a ratio like \"1:1\"");

        public override void Write(Utf8JsonWriter writer, HardEasyRatio value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
