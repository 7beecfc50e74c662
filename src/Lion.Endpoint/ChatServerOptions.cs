namespace Lion.Endpoint;

/// <summary>How the OpenAI-compatible endpoint listens and whom it lets in.</summary>
public sealed record ChatServerOptions
{
    /// <summary>Loopback by default: exposing a model to the network is a decision, not a default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port; <see cref="ChatServer.BaseUrl"/> says which.</summary>
    public int Port { get; init; }

    /// <summary>When set, requests must carry "Authorization: Bearer KEY".</summary>
    public string? ApiKey { get; init; }

    public long MaxRequestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The model names served (GET /v1/models); a request for another is a 404.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["lion-model"];

    /// <summary>The model's context in tokens, reported as <c>max_model_len</c> in GET /v1/models as vLLM does; null: not reported.</summary>
    public int? ContextLength { get; init; }

    /// <summary>The model behind POST /v1/completions (raw text and token log-probabilities); null: that endpoint answers 404.</summary>
    public ICompletionModel? Completions { get; init; }

    /// <summary>Requests answered at once; one more is a 429 with Retry-After. Null: no limit.</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>LoRA adapters loaded and unloaded at run time, each served under its name; null: the endpoints are not offered.</summary>
    public IAdapterHost? Adapters { get; init; }

    /// <summary>How long an emulated batch takes from creation to its output file.</summary>
    public TimeSpan BatchCompletionDelay { get; init; }

    /// <summary>The largest file POST /v1/files takes (the provider's limit for a batch file is 200 MB).</summary>
    public long MaxFileBytes { get; init; } = 200_000_000;

    /// <summary>Sees each request before the model (tests inject faults here); null: none.</summary>
    public IChatRequestFilter? Filter { get; init; }
}
