namespace Lion.Core.Gateway;

/// <summary>
/// An endpoint refused a request for a parameter the run's config sets (a temperature a reasoning
/// model does not take, a max_tokens over the context): every request of the role would be
/// refused alike, so nothing is stored for it and the run stops at once, naming the config key.
/// The command line turns it into exit code 1: the config is the input to fix.
/// </summary>
public sealed class ConfigRefusedException(string configKey, RemoteFailure failure, Exception? inner = null)
    : Exception(Describe(configKey, failure), inner)
{
    /// <summary>The config key path to change, such as <c>referee.temperature</c>.</summary>
    public string ConfigKey { get; } = configKey;

    public RemoteFailure Failure { get; } = failure;

    private static string Describe(string key, RemoteFailure failure)
    {
        string said = failure.ProviderMessage.Length > 0 ? failure.ProviderMessage : failure.Message;
        string parameter = failure.Param is { } param && !key.EndsWith("." + param, StringComparison.Ordinal) ? $" (its parameter \"{param}\")" : "";
        return $"{key}: the endpoint refuses the request this sets{parameter}, HTTP {failure.Status?.ToString() ?? "error"}: {said.Trim().TrimEnd('.')}";
    }
}
