namespace Lion.Testing;

/// <summary>The ways the endpoint can misbehave on purpose, as real providers do by accident.</summary>
public enum FaultKind
{
    None,
    RateLimited,
    ServerError,
    Unavailable,
    Hang,
    DropConnection,
    MalformedJson,
    EmptyContent,
    Truncated,
}
