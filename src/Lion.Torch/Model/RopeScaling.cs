using System.Text.Json.Nodes;
using Lion.Core;

namespace Lion.Torch.Model;

/// <summary>
/// Rotary frequency scaling as Hugging Face configs state it. linear: every frequency divided by
/// the factor. llama3: low frequencies divided by the factor, high ones kept, a smooth blend
/// between (Llama 3.1's long-context recipe).
/// </summary>
public sealed record RopeScaling(string Type, double Factor)
{
    public double LowFrequencyFactor { get; init; } = 1;
    public double HighFrequencyFactor { get; init; } = 4;
    public int OriginalMaxPositions { get; init; } = 8192;

    /// <summary>Applies the scaling to the inverse frequencies theta^(-2i/d).</summary>
    public double[] Scale(double[] inverse)
    {
        if (Type == "linear")
            return inverse.Select(f => f / Factor).ToArray();
        double lowWavelength = OriginalMaxPositions / LowFrequencyFactor;
        double highWavelength = OriginalMaxPositions / HighFrequencyFactor;
        return inverse.Select(f =>
        {
            double wavelength = 2 * Math.PI / f;
            if (wavelength < highWavelength) return f;
            if (wavelength > lowWavelength) return f / Factor;
            double smooth = (OriginalMaxPositions / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
            return (1 - smooth) * f / Factor + smooth * f;
        }).ToArray();
    }

    public static RopeScaling? Read(JsonNode? node, string path)
    {
        if (node is null)
            return null;
        string type = node["rope_type"]?.GetValue<string>() ?? node["type"]?.GetValue<string>() ?? "";
        if (type is not ("linear" or "llama3"))
            throw BadInputException.AtField(path, 1, "rope_scaling", $"type \"{type}\" is not supported (supported: linear, llama3)");
        double factor = node["factor"]?.GetValue<double>() ?? throw BadInputException.AtField(path, 1, "rope_scaling.factor", "is missing");
        return new RopeScaling(type, factor)
        {
            LowFrequencyFactor = node["low_freq_factor"]?.GetValue<double>() ?? 1,
            HighFrequencyFactor = node["high_freq_factor"]?.GetValue<double>() ?? 4,
            OriginalMaxPositions = node["original_max_position_embeddings"]?.GetValue<int>() ?? 8192,
        };
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["rope_type"] = Type, ["factor"] = Factor };
        if (Type == "llama3")
        {
            json["low_freq_factor"] = LowFrequencyFactor;
            json["high_freq_factor"] = HighFrequencyFactor;
            json["original_max_position_embeddings"] = OriginalMaxPositions;
        }
        return json;
    }
}
