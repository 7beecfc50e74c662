namespace Lion.Endpoint;

/// <summary>
/// LoRA adapters loaded into a running server and served under their own model names, through
/// vLLM's endpoints (POST /v1/load_lora_adapter, /v1/unload_lora_adapter), so a new adapter is
/// served without restarting the server.
/// </summary>
public interface IAdapterHost
{
    /// <summary>The names of the adapters loaded now.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Loads the adapter at <paramref name="path"/> as model <paramref name="name"/>; a name already loaded is an <see cref="InvalidRequestException"/>.</summary>
    Task LoadAsync(string name, string path, CancellationToken cancellationToken);

    /// <summary>Unloads an adapter; false when none has that name.</summary>
    bool Unload(string name);
}
