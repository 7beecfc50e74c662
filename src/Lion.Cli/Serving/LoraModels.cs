using Lion.Cli.Commands;
using Lion.Endpoint;
using Lion.Core.Prompts;
using Lion.Torch.Checkpoints;
using Lion.Torch.Generation;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Serving;

/// <summary>
/// The student served with LoRA adapters loaded at run time, as vLLM serves them: a request names
/// the base model or a loaded adapter, and each adapter answers as its base model with the adapter
/// folded in, decoded by a batcher of its own.
/// </summary>
internal sealed class LoraModels(IChatClient basis, string baseName, int maxBatch, PromptFormat baseFormat, Action<string> log)
    : IChatClient, IAdapterHost
{
    private sealed record Adapter(LlamaForCausalLM Model, ITextTokenizer Tokenizer, ContinuousBatcher Batcher, IChatClient Client) : IDisposable
    {
        public void Dispose()
        {
            Batcher.Dispose();
            Model.Dispose();
            (Tokenizer as IDisposable)?.Dispose();
        }
    }

    private readonly Dictionary<string, Adapter> _adapters = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<string> Names
    {
        get { lock (_gate) return [.. _adapters.Keys]; }
    }

    public Task LoadAsync(string name, string path, CancellationToken cancellationToken) => Task.Run(() =>
    {
        lock (_gate)
            if (_adapters.ContainsKey(name) || name == baseName)
                throw new InvalidRequestException($"The LoRA adapter '{name}' has already been loaded.", "lora_name");
        if (!PeftAdapter.IsAdapter(path))
            throw new InvalidRequestException($"{path} holds no LoRA adapter ({PeftAdapter.ConfigFile})", "lora_path");
        var (model, tokenizer) = HuggingFaceFolder.LoadWithTokenizer(path, Commands.StudentKernels.FromEnvironment());
        var batcher = new ContinuousBatcher(model, tokenizer, maxBatch);
        var format = ChatTemplate.Read(path) ?? baseFormat;
        var adapter = new Adapter(model, tokenizer, batcher, new StudentChatClient(batcher, format));
        lock (_gate)
        {
            if (!_adapters.TryAdd(name, adapter))
            {
                adapter.Dispose();
                throw new InvalidRequestException($"The LoRA adapter '{name}' has already been loaded.", "lora_name");
            }
        }
        log($"Loaded LoRA adapter \"{name}\" from {Path.GetFullPath(path)}");
    }, cancellationToken);

    public bool Unload(string name)
    {
        Adapter? adapter;
        lock (_gate)
            if (!_adapters.Remove(name, out adapter))
                return false;
        adapter.Dispose();
        log($"Unloaded LoRA adapter \"{name}\"");
        return true;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        For(options).GetResponseAsync(messages, options, cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        For(options).GetStreamingResponseAsync(messages, options, cancellationToken);

    private IChatClient For(ChatOptions? options)
    {
        lock (_gate)
            return options?.ModelId is { } name && _adapters.TryGetValue(name, out var adapter) ? adapter.Client : basis;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var adapter in _adapters.Values)
                adapter.Dispose();
            _adapters.Clear();
        }
    }
}
