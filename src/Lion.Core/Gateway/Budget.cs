namespace Lion.Core.Gateway;

/// <summary>Caps on a run's spending; null means no cap. Tokens are input plus output tokens.</summary>
public sealed record Budget(double? MaxCost = null, long? MaxTokens = null)
{
    public static Budget None { get; } = new();
}
