using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;

namespace Lion.Torch.Generation;

/// <summary>
/// Continues prompts with the model until EOS, a stop string or the token limit; greedy or
/// sampled with temperature and top-p, reproducible per prompt for a seed. The prompts are one
/// <see cref="DecodingBatch"/>: read together, decoded together, each leaving when it is done.
/// </summary>
public sealed class TextGenerator(LlamaForCausalLM model, ITextTokenizer tokenizer)
{
    public (string Text, ChatFinishReason FinishReason) Complete(string prompt, SamplingOptions options) =>
        CompleteAll([prompt], options)[0];

    public IReadOnlyList<(string Text, ChatFinishReason FinishReason)> CompleteAll(IReadOnlyList<string> prompts, SamplingOptions options)
    {
        using var batch = new DecodingBatch(model, tokenizer);
        var rows = prompts.Select(p => batch.Row(p, options)).ToList();
        batch.Admit(rows);
        for (batch.Remove(Finished); batch.Rows.Count > 0; batch.Remove(Finished))
            batch.Step();
        return rows.Select(r => (r.Text, r.FinishReason ?? ChatFinishReason.Length)).ToList();
    }

    private static bool Finished(DecodingRow row) => row.FinishReason is not null;
}
