using Lion.Core.Gateway;
using Lion.Core.Novelty;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// What becomes of each generator reply, decided strictly in slot order: a reply passes the reply
/// filter, the exact-copy check and the novelty rule against the cache pool and every instruction
/// kept in an earlier slot. The decisions depend only on the replies, never on when they arrived.
/// </summary>
internal sealed class GenerationDecisions
{
    private readonly GenerationSlots _slots;
    private readonly NoveltyFilter _filter;
    private readonly TakenInstructions _taken;
    private readonly Dictionary<int, GenerationAttempt> _recorded;

    public GenerationDecisions(GenerationSlots slots, NoveltyFilter filter, TakenInstructions taken, IEnumerable<GenerationAttempt> recorded)
    {
        _slots = slots;
        _filter = filter;
        _taken = taken;
        _recorded = recorded.ToDictionary(a => a.Slot);
        foreach (var kept in _recorded.Values.Where(a => a.Kept).OrderBy(a => a.Slot))
        {
            _filter.Consider(kept.Candidate!);
            _taken.Add(kept.Candidate!);
            Count(kept.Kind);
        }
    }

    public int KeptHard { get; private set; }
    public int KeptEasy { get; private set; }
    public int Kept => KeptHard + KeptEasy;
    public IReadOnlyCollection<GenerationAttempt> Recorded => _recorded.Values;

    /// <summary>The first slot with no decision yet.</summary>
    public int Next { get; private set; }

    public bool Done => KeptHard >= _slots.WantHard && KeptEasy >= _slots.WantEasy;

    /// <summary>How many more of <paramref name="kind"/> the iteration wants.</summary>
    public int Need(GenerationKind kind) => Math.Max(0, _slots.Want(kind) - (kind == GenerationKind.Hard ? KeptHard : KeptEasy));

    public bool IsRecorded(int slot) => _recorded.ContainsKey(slot);

    /// <summary>
    /// The kind a slot after the decided ones asks: the interleaved one while both kinds want more,
    /// else the one still wanted. Slots are only asked up to what each kind needs, so no reply still
    /// awaited can fill a kind before a later slot of it.
    /// </summary>
    public GenerationKind KindOf(int slot) =>
        Need(GenerationKind.Hard) == 0 ? GenerationKind.Easy : Need(GenerationKind.Easy) == 0 ? GenerationKind.Hard : _slots.Interleaved(slot);

    /// <summary>
    /// Decides every slot from <see cref="Next"/> on that can be decided: recorded ones stand, full
    /// kinds are passed over, a reply is judged; it stops at the first slot still waiting for a reply.
    /// Each decision is stored by <paramref name="save"/> as it is made.
    /// </summary>
    public void DecideInOrder(Dictionary<int, GenerationReply> replies, Func<GenerationAttempt, GenerationAttempt> save)
    {
        for (; Next < _slots.Count && !Done; Next++)
        {
            if (_recorded.ContainsKey(Next))
                continue;
            var kind = KindOf(Next);
            // A reply asked ahead for a kind that has since filled (a batch's over-ask) is not this slot's: it is asked again.
            if (replies.TryGetValue(Next, out var reply) && reply.Kind != kind)
                replies.Remove(Next);
            if (!replies.TryGetValue(Next, out reply))
                return;
            _recorded[Next] = save(Decide(Next, kind, reply));
        }
    }

    private GenerationAttempt Decide(int slot, GenerationKind kind, GenerationReply reply)
    {
        var (candidate, reason, unwrapped) = ItemOutcome.IsRefused(reply.Finish)
            ? (null, reply.Finish == ItemOutcome.ContentFilter ? RejectReason.ContentFilter : RejectReason.Unanswerable, false)
            : GeneratorReplyFilter.CheckUnwrapped(reply.Raw, reply.Finish);
        if (candidate is not null)
            reason = _taken.Reason(candidate);
        if (candidate is null || reason is not null)
            return new GenerationAttempt(slot, reply.SeedId, kind, reply.Raw, candidate, reply.Finish, false, reason, null, null, unwrapped);
        var decision = _filter.Consider(candidate);
        if (decision.Kept)
        {
            _taken.Add(candidate);
            Count(kind);
        }
        return new GenerationAttempt(slot, reply.SeedId, kind, reply.Raw, candidate, reply.Finish, decision.Kept,
            decision.Kept ? null : RejectReason.NotNovel, null, decision.MaxScore, unwrapped);
    }

    private void Count(GenerationKind kind)
    {
        if (kind == GenerationKind.Hard) KeptHard++; else KeptEasy++;
    }
}

/// <summary>A generator's reply to one slot, with the kind and seed instruction it was asked about.</summary>
internal sealed record GenerationReply(GenerationKind Kind, string Raw, ChatFinishReason? Finish, long SeedId);
