namespace Lion.Core.Gateway;

/// <summary>Why a call to the remote model failed.</summary>
public enum RemoteFailureKind
{
    RateLimited,
    ServerError,
    Timeout,
    ConnectionLost,
    MalformedReply,

    /// <summary>Refused for the item itself (a 400 about its messages): the same request will never be answered.</summary>
    BadRequest,

    /// <summary>Refused for a request parameter the configuration sets (an unsupported temperature, say): every request would be.</summary>
    ConfigRejected,

    /// <summary>Over the model's context: the item's when its prompt alone is too long, the config's when max_tokens pushed it over.</summary>
    ContextExceeded,

    /// <summary>The provider's content filter refused the prompt: the item's, for this model and these parameters.</summary>
    ContentFiltered,

    /// <summary>No credit left (OpenAI's insufficient_quota, a 402, a billing refusal): no retry helps.</summary>
    QuotaExhausted,

    Unauthorized,
    Forbidden,
    NotFound,
    OtherStatus,
}
