namespace Lion.Torch.Generation;

/// <summary>How to pick each next token: greedy at temperature 0, else temperature and top-p sampling, seeded.</summary>
public sealed record SamplingOptions
{
    public double Temperature { get; init; }
    public double TopP { get; init; } = 1.0;
    public int MaxNewTokens { get; init; } = 128;
    public long Seed { get; init; } = 2305;
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Decode past the end-of-sequence token, to the token limit (as vLLM's ignore_eos): for measuring speed.</summary>
    public bool IgnoreEos { get; init; }
}
