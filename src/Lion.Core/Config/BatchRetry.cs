namespace Lion.Core.Config;

/// <summary>Where a batch line that failed or expired is asked again.</summary>
public enum BatchRetry
{
    /// <summary>In a new batch, at the batch price.</summary>
    Batch,

    /// <summary>Live, one request at a time at the full price: sooner, for the few lines left.</summary>
    Live,
}
