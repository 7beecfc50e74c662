using System.Text.Json;

namespace Lion.Endpoint;

/// <summary>
/// The parameters the OpenAI-style request bodies share, read as OpenAI's API reads them: absent
/// or null is "not given", and a value of the wrong type or out of range is an
/// <see cref="InvalidRequestException"/> naming the parameter.
/// </summary>
internal static class RequestParameters
{
    public static double? Number(JsonElement body, string name, double min, double max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is var number && (number < min || number > max))
            throw new InvalidRequestException($"{name} must be a number from {min} to {max}", name);
        return number;
    }

    /// <summary><c>stop</c>: one string or an array of them.</summary>
    public static List<string>? Stops(JsonElement body)
    {
        if (!body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
            return null;
        if (stop.ValueKind == JsonValueKind.String)
            return [stop.GetString()!];
        if (stop.ValueKind == JsonValueKind.Array && stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))
            return stop.EnumerateArray().Select(s => s.GetString()!).ToList();
        throw new InvalidRequestException("stop must be a string or an array of strings", "stop");
    }

    public static bool Flag(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new InvalidRequestException($"{name} must be a boolean", name),
        };

    /// <summary><c>seed</c>: a whole number, or not given.</summary>
    public static long? Seed(JsonElement body) =>
        body.TryGetProperty("seed", out var seed) && seed.ValueKind != JsonValueKind.Null
            ? seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out long value) ? value : throw new InvalidRequestException("seed must be an integer", "seed")
            : null;

    /// <summary><c>n</c>: only one choice a prompt is offered.</summary>
    public static void OneChoice(JsonElement body)
    {
        if (body.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out int count) && count == 1))
            throw new InvalidRequestException("only n = 1 is supported", "n");
    }
}
