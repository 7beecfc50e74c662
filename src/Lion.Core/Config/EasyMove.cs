namespace Lion.Core.Config;

/// <summary>
/// What the built-in oracle makes, as generator, from an item the student already answers well
/// (the paper's "easy" instruction: same domain, rarer).
/// </summary>
public enum EasyMove
{
    /// <summary>A rarer variant, at the seed's size or the next size that has it.</summary>
    Rarer,

    /// <summary>
    /// A rarer variant one size up: mastered items lead to harder ones, so over iterations the
    /// pool climbs toward the benchmark's sizes (a curriculum), while hard items stay where the
    /// student fails.
    /// </summary>
    Larger,
}
