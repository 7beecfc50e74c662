using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lion.Core.Config;

/// <summary>
/// The parameters a role's requests are made with, as a short hash: who answers (endpoint and
/// model) and how (temperature, top_p, max_tokens, the extra body). A refusal stored for an item
/// holds the fingerprint it was refused under; a run whose role is configured otherwise asks again.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(RoleSettings role)
    {
        string text = string.Join("\n",
            role.Endpoint, role.Model,
            Number(role.Temperature), Number(role.TopP), role.MaxTokens?.ToString(CultureInfo.InvariantCulture) ?? "-",
            role.MaxTokensPerSeedWord.ToString(CultureInfo.InvariantCulture),
            RunGateway.Shape(role).CanonicalExtraBody());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "-";
}
