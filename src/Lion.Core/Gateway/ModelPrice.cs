namespace Lion.Core.Gateway;

/// <summary>What a model costs, per million input and output tokens, in the user's currency.</summary>
public sealed record ModelPrice(double InputPerMillion, double OutputPerMillion)
{
    public double Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000;

    /// <summary>The Batch API's price for the same model; null: the same as live.</summary>
    public ModelPrice? Batch { get; init; }
}
