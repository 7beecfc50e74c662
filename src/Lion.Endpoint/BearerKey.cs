using System.Security.Cryptography;
using System.Text;

namespace Lion.Endpoint;

/// <summary>
/// Checks "Authorization: Bearer KEY" in constant time: both sides are hashed first, so neither
/// the content nor the length of the key leaks through timing.
/// </summary>
public sealed class BearerKey(string key)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool Accepts(string? authorization)
    {
        const string Scheme = "Bearer ";
        string presented = authorization is not null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : "";
        return CryptographicOperations.FixedTimeEquals(_expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }
}
