using Lion.Core.Config;

namespace Lion.Oracle;

/// <summary>How the oracle behaves in its roles.</summary>
public sealed record OracleOptions
{
    /// <summary>Teacher answers carry the worked steps before "So the answer is …" rather than the bare answer.</summary>
    public bool Explain { get; init; }

    /// <summary>Mixed into the generator's random source, which is otherwise fixed by the request.</summary>
    public int Seed { get; init; }

    /// <summary>How referee and generator replies are worded: plain, or as chat models word them (seeded).</summary>
    public OracleStyle Style { get; init; }

    /// <summary>What an easy instruction is made of: a rarer variant, or a rarer variant one size up.</summary>
    public EasyMove EasyMove { get; init; }

    /// <summary>Told about requests the oracle could only half serve (a seed no family recognises).</summary>
    public Action<string>? Log { get; init; }
}
