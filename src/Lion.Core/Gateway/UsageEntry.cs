namespace Lion.Core.Gateway;

/// <summary>One answered request in the ledger; a cached one cost nothing.</summary>
public sealed record UsageEntry(string Role, string Model, bool Cached, long InputTokens, long OutputTokens, double Cost, bool Batch = false);
