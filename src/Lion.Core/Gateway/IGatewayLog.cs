using Lion.Core.Gateway;

namespace Lion.Core.Gateway;

/// <summary>Where a gateway keeps what it must not lose: paid answers, usage, failed requests, batches.</summary>
public interface IGatewayLog : IRequestCache, IUsageLog, IFailureLog, IBatchLog, IClampLog;
