using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>A conversation as the OpenAI wire format writes it: "messages": [{"role", "content"}, …].</summary>
public static class ChatMessagesJson
{
    public static void Write(Utf8JsonWriter json, IEnumerable<ChatMessage> messages)
    {
        json.WriteStartArray("messages");
        foreach (var message in messages)
        {
            json.WriteStartObject();
            json.WriteString("role", message.Role.Value);
            json.WriteString("content", message.Text);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
