using Microsoft.Extensions.AI;

namespace Lion.Torch.Generation;

/// <summary>
/// One prompt being continued in a <see cref="DecodingBatch"/>: its tokens, its own sampling
/// options and random stream, what it has said so far, and why it stopped once it has.
/// </summary>
public sealed class DecodingRow
{
    internal DecodingRow(long[] prompt, SamplingOptions options, Random random)
    {
        Prompt = prompt;
        Options = options;
        Random = random;
    }

    /// <summary>The prompt's token ids, BOS first.</summary>
    public IReadOnlyList<long> Prompt { get; }

    public SamplingOptions Options { get; }

    public List<int> Generated { get; } = [];

    /// <summary>The decoded answer so far, cut before the first stop string.</summary>
    public string Text { get; internal set; } = "";

    /// <summary>Stop (EOS or a stop string) or length; null while the row is decoding.</summary>
    public ChatFinishReason? FinishReason { get; internal set; }

    internal Random Random { get; }

    /// <summary>Empty cache positions in front of this row's tokens.</summary>
    internal long LeftPad { get; set; }

    /// <summary>The token chosen last, which the next step feeds to the model.</summary>
    internal long Pending { get; set; }

    /// <summary>The position of <see cref="Pending"/> in this row's own sequence.</summary>
    internal long PendingPosition => Prompt.Count + Generated.Count - 1;
}
