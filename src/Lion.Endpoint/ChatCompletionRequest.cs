using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Lion.Endpoint;

/// <summary>
/// A POST /v1/chat/completions body, validated the way OpenAI's API validates it: every
/// problem is an <see cref="InvalidRequestException"/> that names the parameter.
/// </summary>
public sealed record ChatCompletionRequest(
    string Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage)
{
    private static readonly Dictionary<string, ChatRole> Roles = new()
    {
        ["system"] = ChatRole.System,
        ["developer"] = ChatRole.System,
        ["user"] = ChatRole.User,
        ["assistant"] = ChatRole.Assistant,
    };

    public static ChatCompletionRequest Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidRequestException("the request body must be a JSON object");

        string model = body.TryGetProperty("model", out var modelValue) && modelValue.ValueKind == JsonValueKind.String
            ? modelValue.GetString()!
            : throw new InvalidRequestException("you must provide a model parameter", "model");

        var messages = ParseMessages(body);
        var options = new ChatOptions { ModelId = model };
        options.Temperature = (float?)RequestParameters.Number(body, "temperature", 0, 2);
        options.TopP = (float?)RequestParameters.Number(body, "top_p", 0, 1);
        options.FrequencyPenalty = (float?)RequestParameters.Number(body, "frequency_penalty", -2, 2);
        options.PresencePenalty = (float?)RequestParameters.Number(body, "presence_penalty", -2, 2);
        options.MaxOutputTokens = PositiveInteger(body, "max_completion_tokens") ?? PositiveInteger(body, "max_tokens");
        options.Seed = RequestParameters.Seed(body);
        options.StopSequences = RequestParameters.Stops(body);
        RequestParameters.OneChoice(body);

        bool stream = RequestParameters.Flag(body, "stream");
        bool includeUsage = body.TryGetProperty("stream_options", out var streamOptions)
                            && streamOptions.ValueKind == JsonValueKind.Object && RequestParameters.Flag(streamOptions, "include_usage");
        return new ChatCompletionRequest(model, messages, options, stream, includeUsage);
    }

    private static List<ChatMessage> ParseMessages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array)
            throw new InvalidRequestException("messages must be an array", "messages");
        if (array.GetArrayLength() == 0)
            throw new InvalidRequestException("messages must hold at least one message", "messages");

        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var message in array.EnumerateArray())
        {
            string param = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object)
                throw new InvalidRequestException($"{param} must be an object", param);
            string? roleName = message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null;
            if (roleName is null || !Roles.TryGetValue(roleName, out var chatRole))
                throw new InvalidRequestException($"{param}.role must be one of {string.Join(", ", Roles.Keys)}", $"{param}.role");
            messages.Add(new ChatMessage(chatRole, Content(message, param)));
        }
        return messages;
    }

    /// <summary>Content is a string or an array of {type: "text", text} parts.</summary>
    private static string Content(JsonElement message, string param)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            return "";
        if (content.ValueKind == JsonValueKind.String)
            return content.GetString()!;
        if (content.ValueKind != JsonValueKind.Array)
            throw new InvalidRequestException($"{param}.content must be a string or an array of text parts", $"{param}.content");

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String || type.GetString() != "text"
                || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                throw new InvalidRequestException($"{param}.content: only text parts are supported", $"{param}.content");
            text.Append(partText.GetString());
        }
        return text.ToString();
    }

    private static int? PositiveInteger(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < 1)
            throw new InvalidRequestException($"{name} must be a positive integer", name);
        return number;
    }
}
