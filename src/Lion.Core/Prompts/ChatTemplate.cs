using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lion.Core.Prompts;

/// <summary>
/// A checkpoint's prompt format as the field carries it: a Jinja <c>chat_template</c> in
/// tokenizer_config.json (and <c>tokenizer.chat_template</c> in GGUF), so transformers, vLLM and
/// llama.cpp render a conversation exactly as lion's <see cref="StudentPrompt"/> writes it. lion
/// writes its three formats as fixed templates and recognises exactly those when reading; any
/// other template is refused rather than guessed at, since lion renders prompts without a Jinja
/// engine.
/// </summary>
public static class ChatTemplate
{
    public const string ConfigFile = "tokenizer_config.json";

    // System messages go before the one user turn, a paragraph each, as the endpoint renders them.
    private const string OneTurn =
        "{%- set ns = namespace(parts=[]) -%}" +
        "{%- for message in messages if message['role'] == 'system' -%}{%- set ns.parts = ns.parts + [message['content']] -%}{%- endfor -%}" +
        "{%- set turns = messages | rejectattr('role', 'equalto', 'system') | list -%}" +
        "{%- if turns | length != 1 or turns[0]['role'] != 'user' -%}" +
        "{{ raise_exception('this model was trained on prompts of one user turn') }}" +
        "{%- endif -%}";

    private static readonly Dictionary<PromptFormat, string> Templates = new()
    {
        [PromptFormat.Alpaca] = OneTurn +
            "{{ 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\\n\\n### Instruction:\\n'" +
            " + (ns.parts + [turns[0]['content']]) | join('\\n\\n') + '\\n\\n### Response:\\n' }}",
        [PromptFormat.ChatMl] =
            "{%- for message in messages -%}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endfor -%}" +
            "{{ '<|im_start|>assistant\\n' }}",
        [PromptFormat.Plain] = OneTurn + "{{ (ns.parts + [turns[0]['content']]) | join('\\n\\n') + '\\nAnswer: ' }}",
    };

    public static string Of(PromptFormat format) => Templates[format];

    /// <summary>The format a template is lion's writing of; false for any other template.</summary>
    public static bool TryRead(string template, out PromptFormat format)
    {
        foreach (var (candidate, text) in Templates)
            if (string.Equals(text, template.Trim(), StringComparison.Ordinal))
            {
                format = candidate;
                return true;
            }
        format = default;
        return false;
    }

    /// <summary>Puts the format's template into the folder's tokenizer_config.json, keeping whatever else it holds.</summary>
    public static void Write(string folder, PromptFormat format)
    {
        string path = Path.Combine(folder, ConfigFile);
        var config = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        config["chat_template"] = Of(format);
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// The prompt format a checkpoint folder declares; null when it declares none (no
    /// tokenizer_config.json, or no chat_template in it). A template lion did not write is an
    /// error naming the file and asking for --prompt-format.
    /// </summary>
    public static PromptFormat? Read(string folder)
    {
        string path = Path.Combine(folder, ConfigFile);
        if (!File.Exists(path))
            return null;
        JsonNode? config;
        try
        {
            config = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw BadInputException.InFile(path, $"is not valid JSON ({error.Message})");
        }
        if (config is not JsonObject fields || !fields.TryGetPropertyValue("chat_template", out var node) || node is null)
            return null;
        if (node.GetValueKind() != JsonValueKind.String)
            throw BadInputException.InFile(path, "chat_template: several named templates; give the format with --prompt-format " +
                                                 $"({Vocabulary<PromptFormat>.Listing})");
        return TryRead(node.GetValue<string>(), out var format)
            ? format
            : throw BadInputException.InFile(path, "chat_template is not one of lion's prompt formats, and lion renders prompts " +
                                                   $"without a Jinja engine; give the format with --prompt-format ({Vocabulary<PromptFormat>.Listing})");
    }
}
