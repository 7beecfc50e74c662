namespace Lion.Core.Gateway;

/// <summary>
/// Where a role's request parameters come from in the run config, so that a refusal of one names
/// the key to change: <c>referee.temperature</c>, <c>generator.max_tokens_per_seed_word</c>,
/// <c>teacher.extra_body.reasoning_effort</c>.
/// </summary>
public sealed record ConfigKeys(string Role, IReadOnlySet<string> ExtraBodyFields, bool MaxTokensPerSeedWord = false)
{
    public static ConfigKeys Of(string role) => new(role, new HashSet<string>());

    /// <summary>The config key that set <paramref name="param"/>; the role's block when no key sets it.</summary>
    public string For(string? param) => param switch
    {
        { } field when ExtraBodyFields.Contains(field) => $"{Role}.extra_body.{field}",
        "temperature" => $"{Role}.temperature",
        "top_p" => $"{Role}.top_p",
        "max_tokens" or "max_completion_tokens" or "max_output_tokens" =>
            MaxTokensPerSeedWord ? $"{Role}.max_tokens_per_seed_word" : $"{Role}.max_tokens",
        "model" => $"{Role}.model",
        _ => Role,
    };
}
