using Lion.Core.Prompts;

namespace Lion.Core.Loop;

/// <summary>
/// The slots of one iteration's generation and the kind of prompt each one asks: hard and easy
/// interleaved at the wanted proportion, fixed before any reply is seen; once one kind has all it
/// wants (decided in slot order), every later slot asks for the other. Because a slot's kind (and,
/// from it, its seed and request) never depends on how the work is scheduled, the same config and
/// random seed ask the same questions in the same order at any concurrency, live or batched,
/// resumed or not.
/// </summary>
public readonly record struct GenerationSlots(int WantHard, int WantEasy, int Count)
{
    /// <summary>The kind of <paramref name="slot"/> while both kinds still want more.</summary>
    public GenerationKind Interleaved(int slot)
    {
        long want = WantHard + WantEasy;
        // Slot s is hard when the hard share of the first s+1 slots passes a whole number.
        return want > 0 && (slot + 1L) * WantHard / want > slot * (long)WantHard / want ? GenerationKind.Hard : GenerationKind.Easy;
    }

    public int Want(GenerationKind kind) => kind == GenerationKind.Hard ? WantHard : WantEasy;
}
