namespace Lion.Core.Prompts;

/// <summary>Template files that replace the built-in prompts; null keeps ours.</summary>
public sealed record PromptFiles
{
    public string? Referee { get; init; }
    public string? GeneratorHard { get; init; }
    public string? GeneratorEasy { get; init; }
}
