namespace Lion.Endpoint;

/// <summary>
/// A model that continues raw text (no chat template) and scores tokens: what POST /v1/completions
/// needs, and what only a model the endpoint holds itself (the in-process student) can do.
/// </summary>
public interface ICompletionModel
{
    /// <summary>The model's context in tokens: prompt and completion together.</summary>
    int ContextLength { get; }

    Task<TextCompletion> CompleteAsync(CompletionPrompt prompt, CompletionRequest request, CancellationToken cancellationToken);
}
