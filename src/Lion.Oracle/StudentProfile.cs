namespace Lion.Oracle;

/// <summary>
/// How often the simulated student errs before any training: a base rate per family, rising by
/// <see cref="PerSizeStep"/> for each step up the family's size knob, capped at 0.95.
/// </summary>
public sealed record StudentProfile(IReadOnlyDictionary<string, double> BaseError)
{
    public double PerSizeStep { get; init; } = 0.05;

    /// <summary>Strong on some families, weak on others, so a loop has something to find.</summary>
    public static StudentProfile Default { get; } = new(new Dictionary<string, double>
    {
        ["boolean_expressions"] = 0.20,
        ["object_counting"] = 0.25,
        ["navigate"] = 0.30,
        ["web_of_lies"] = 0.35,
        ["word_sorting"] = 0.60,
        ["dyck_languages"] = 0.70,
        ["multistep_arithmetic_two"] = 0.80,
        ["tracking_shuffled_objects"] = 0.75,
        ["logical_deduction"] = 0.70,
    });

    public double ErrorFor(string family, int sizeStep) =>
        Math.Min(0.95, BaseError.GetValueOrDefault(family, 0.5) + PerSizeStep * sizeStep);
}
