using Lion.Core.Text;
using Microsoft.Extensions.AI;

namespace Lion.Core.Prompts;

/// <summary>
/// The referee and generator prompts a run uses: ours by default, or template files the user
/// supplies (the paper's originals, say) with {question}, {answer_1}, {answer_2} and
/// {instruction} where the texts go. Replies are parsed the same way either way.
/// </summary>
public sealed class PromptSet
{
    private readonly string? _referee;
    private readonly string? _hard;
    private readonly string? _easy;

    public PromptSet(PromptFiles files)
    {
        _referee = Load(files.Referee, "{question}", "{answer_1}", "{answer_2}");
        _hard = Load(files.GeneratorHard, "{instruction}");
        _easy = Load(files.GeneratorEasy, "{instruction}");
    }

    public IList<ChatMessage> Referee(string question, string first, string second) => _referee is null
        ? RefereePrompt.Build(question, first, second)
        : [new(ChatRole.User, _referee.Replace("{question}", question).Replace("{answer_1}", first).Replace("{answer_2}", second))];

    public IList<ChatMessage> Generator(string seed, GenerationKind kind) => (kind == GenerationKind.Hard ? _hard : _easy) is { } template
        ? [new(ChatRole.User, template.Replace("{instruction}", seed))]
        : GeneratorPrompt.Build(seed, kind);

    private static string? Load(string? path, params string[] placeholders)
    {
        if (path is null)
            return null;
        var file = Utf8File.Read(path);
        string text = System.Text.Encoding.UTF8.GetString(file.Bytes);
        foreach (var placeholder in placeholders)
            if (!text.Contains(placeholder, StringComparison.Ordinal))
                throw BadInputException.InFile(path, $"the template has no {placeholder}");
        return text;
    }
}
