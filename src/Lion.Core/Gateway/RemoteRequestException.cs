namespace Lion.Core.Gateway;

/// <summary>
/// A request to the remote model that cannot succeed by retrying: a refusal or retries
/// exhausted. Carries the classified failure; the command line turns it into exit code 2.
/// </summary>
public sealed class RemoteRequestException(RemoteFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public RemoteFailure Failure { get; } = failure;

    /// <summary>True when the whole run must stop: every later request would fail the same way.</summary>
    public bool StopsTheRun => Failure.Kind is RemoteFailureKind.Unauthorized or RemoteFailureKind.Forbidden
        or RemoteFailureKind.NotFound or RemoteFailureKind.QuotaExhausted or RemoteFailureKind.ConfigRejected;
}
