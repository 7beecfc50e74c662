using System.Web;

namespace Lion.Core.Gateway;

/// <summary>
/// Azure OpenAI's classic addressing: <c>https://R.openai.azure.com/openai/deployments/NAME/chat/completions?api-version=V</c>
/// with the key in an <c>api-key</c> header. A role's endpoint may be that URL as the portal shows
/// it, or up to the deployment's name; the v1 path (<c>…/openai/v1/</c>) needs none of this.
/// </summary>
public sealed record AzureDeployment(Uri BaseUrl, string Deployment, string? ApiVersion)
{
    /// <summary>The deployment <paramref name="endpoint"/> addresses, or null when it is no deployment URL.</summary>
    public static AzureDeployment? From(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return null;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.FindIndex(segments, s => s.Equals("deployments", StringComparison.OrdinalIgnoreCase));
        if (at < 1 || at + 1 >= segments.Length || !segments[at - 1].Equals("openai", StringComparison.OrdinalIgnoreCase))
            return null;
        string path = "/" + string.Join('/', segments[..(at + 2)]) + "/";
        string? version = HttpUtility.ParseQueryString(uri.Query)["api-version"];
        var baseUrl = new UriBuilder(uri) { Path = path, Query = "" }.Uri;
        return new AzureDeployment(baseUrl, segments[at + 1], string.IsNullOrWhiteSpace(version) ? null : version);
    }
}
