using Microsoft.Extensions.AI;

namespace Lion.Torch.Generation;

/// <summary>
/// New text of one request; the last update also says why it finished and how many tokens the
/// prompt and the answer took.
/// </summary>
public sealed record GenerationUpdate(string Delta, ChatFinishReason? FinishReason = null, int PromptTokens = 0, int CompletionTokens = 0)
{
    /// <summary>On the last update, the ids of every token generated (the EOS that ended it included).</summary>
    public IReadOnlyList<int> Tokens { get; init; } = [];
}
