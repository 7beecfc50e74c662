namespace Lion.Core.Gateway;

/// <summary>Why a call to the remote model failed.</summary>
public enum RemoteFailureKind
{
    RateLimited,
    ServerError,
    Timeout,
    ConnectionLost,
    MalformedReply,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    OtherStatus,
}
