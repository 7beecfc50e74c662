namespace Lion.Endpoint;

/// <summary>A chat request the endpoint refuses with 400, naming the offending parameter.</summary>
public sealed class InvalidRequestException(string message, string? param = null) : Exception(message)
{
    public string? Param { get; } = param;
}
