using Lion.Core.Store;

namespace Lion.Core.Loop;

/// <summary>
/// The texts a generated instruction may not repeat exactly, whatever the novelty threshold:
/// the cache pool and the instructions kept so far (a copy adds nothing), and the held-out test
/// items (a copy would be trained on and then tested). Compared after trimming, case kept.
/// </summary>
internal sealed class TakenInstructions(IEnumerable<string> pool, IEnumerable<string> heldOut)
{
    private readonly HashSet<string> _pool = pool.Select(text => text.Trim()).ToHashSet(StringComparer.Ordinal);
    private readonly HashSet<string> _heldOut = heldOut.Select(text => text.Trim()).ToHashSet(StringComparer.Ordinal);

    public void Add(string candidate) => _pool.Add(candidate.Trim());

    /// <summary>Duplicate, held out, or null when the candidate is new.</summary>
    public RejectReason? Reason(string candidate) =>
        _pool.Contains(candidate.Trim()) ? RejectReason.Duplicate : _heldOut.Contains(candidate.Trim()) ? RejectReason.HeldOut : null;
}
