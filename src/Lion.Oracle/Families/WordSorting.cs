namespace Lion.Oracle.Families;

/// <summary>
/// word_sorting: "Sort the following words alphabetically: List: kenya beth" → "beth kenya".
/// Size: the number of words. Variants: words from anywhere in the alphabet, and words that
/// share their first letters (the long tail: the order hangs on later letters).
/// </summary>
public sealed class WordSorting : ITaskFamily
{
    private const string Prefix = "Sort the following words alphabetically: List: ";

    private static readonly string[] Vocabulary =
    [
        "anchor", "apricot", "archive", "autumn", "badge", "balcony", "banner", "barley", "beacon", "blossom", "bracket",
        "breeze", "cactus", "canvas", "carbon", "castle", "cedar", "channel", "chimney", "cobalt", "comet", "copper",
        "cradle", "crystal", "dagger", "dawn", "delta", "desert", "dolphin", "domain", "ember", "engine", "falcon",
        "fathom", "feather", "fiddle", "fjord", "flannel", "garnet", "glacier", "gravel", "harbor", "harvest", "hazel",
        "helmet", "horizon", "indigo", "island", "ivory", "jasmine", "jigsaw", "jungle", "kettle", "kernel", "kingdom",
        "ladder", "lantern", "lattice", "legend", "marble", "meadow", "mercury", "mosaic", "nectar", "needle", "nickel",
        "oasis", "orbit", "orchid", "oyster", "paddle", "parcel", "pebble", "pepper", "quarry", "quartz", "quiver",
        "raven", "ribbon", "riddle", "saddle", "salmon", "scarlet", "shadow", "signal", "summit", "tablet", "thistle",
        "timber", "tunnel", "umbrella", "upland", "valley", "velvet", "violet", "walnut", "willow", "window", "yarrow",
        "yonder", "zenith", "zephyr",
        "stable", "stamp", "stanza", "staple", "starch", "static", "statue", "steady", "stealth", "steam", "stencil",
        "steward", "prism", "prison", "private", "prize", "probe", "process", "prodigy", "produce", "profile", "promise",
        "carpet", "carriage", "carrot", "carry", "cartoon", "carve", "cascade", "cashew", "casino", "cassette",
    ];

    private static readonly string[] Stems = ["sta", "ste", "pri", "pro", "car", "cas"];

    public string Name => "word_sorting";
    public IReadOnlyList<int> Sizes { get; } = [3, 5, 8, 12, 16];
    public IReadOnlyList<string> Variants { get; } = ["spread", "shared-prefix"];

    public bool Recognises(string input) => input.StartsWith(Prefix, StringComparison.Ordinal);

    public Solution Solve(string input)
    {
        if (!Recognises(input))
            throw UnsolvableItemException.Clause(Name, input);
        var words = input[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            throw UnsolvableItemException.Clause(Name, "an empty list");
        var sorted = words.Order(StringComparer.Ordinal).ToArray();
        string variant = words.Select(w => w[..Math.Min(3, w.Length)]).Distinct().Count() * 2 <= words.Length ? "shared-prefix" : "spread";
        return new Solution(string.Join(' ', sorted), new ItemShape(Name, Name, words.Length, variant),
            [$"In alphabetical order: {string.Join(", ", sorted)}."]);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        while (true)
        {
            IReadOnlyList<string> pool = Vocabulary;
            if (variant == "shared-prefix")
            {
                var stems = random.Sample(Stems, Math.Max(1, (size + 5) / 6));
                pool = Vocabulary.Where(w => stems.Any(stem => w.StartsWith(stem, StringComparison.Ordinal))).ToList();
                if (pool.Count < size)
                    continue;
            }
            var words = random.Sample(pool, size);
            string input = Prefix + string.Join(' ', words);
            var solution = Solve(input);
            if (solution.Shape.Variant == variant && solution.Shape.Size == size)
                return new TaskItem(input, solution.Target);
        }
    }
}
