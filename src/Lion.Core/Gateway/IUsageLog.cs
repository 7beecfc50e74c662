namespace Lion.Core.Gateway;

/// <summary>Durable record of usage: every answered request, and the paid totals so far.</summary>
public interface IUsageLog
{
    void Record(UsageEntry entry);

    /// <summary>What has been paid for so far in this run: cost and input plus output tokens.</summary>
    (double Cost, long Tokens) PaidTotals();
}
