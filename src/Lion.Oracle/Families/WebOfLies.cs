using System.Text.RegularExpressions;

namespace Lion.Oracle.Families;

/// <summary>
/// web_of_lies: "Question: Ann lies. Bob says Ann lies. … Does Bob tell the truth?" → Yes/No.
/// Size: the number of people in the chain (BBH: 5). Variants: the chain as BBH writes it, and
/// one where each person may speak of anyone earlier (the long tail), which needs three people:
/// with two, the second can only speak of the first, and that is the chain.
/// </summary>
public sealed partial class WebOfLies : ITaskFamily
{
    private static readonly string[] Names =
    [
        "Ann", "Bob", "Cora", "Dmitri", "Esther", "Felix", "Greta", "Hugo", "Ines", "Jonah", "Kira", "Lars", "Mina",
        "Nadia", "Otto", "Priya", "Quentin", "Rosa", "Soren", "Talia", "Umar", "Vera", "Wes", "Xena", "Yusuf", "Zoe",
        "Amara", "Bruno", "Celine", "Dario", "Elif", "Farid", "Gemma", "Hana", "Ivo", "Jolene", "Kofi", "Leona",
    ];

    public string Name => "web_of_lies";
    public IReadOnlyList<int> Sizes { get; } = [2, 3, 4, 5, 6, 8];
    public IReadOnlyList<string> Variants { get; } = ["chain", "any-earlier"];

    public bool Exists(int size, string variant) => Sizes.Contains(size) && (variant == "chain" || variant == "any-earlier" && size >= 3);

    public bool Recognises(string input) => Item().IsMatch(input);

    public Solution Solve(string input)
    {
        var match = Item().Match(input);
        if (!match.Success)
            throw UnsolvableItemException.Clause(Name, input);
        var truthful = new Dictionary<string, bool>();
        var first = First().Match(match.Groups["first"].Value);
        if (!first.Success)
            throw UnsolvableItemException.Clause(Name, match.Groups["first"].Value);
        truthful[first.Groups["name"].Value] = first.Groups["claim"].Value == "tells the truth";
        var steps = new List<string> { $"{first.Groups["name"].Value} {first.Groups["claim"].Value}." };

        bool chain = true;
        string previous = first.Groups["name"].Value;
        foreach (var clause in match.Groups["rest"].Value.Split(". ", StringSplitOptions.RemoveEmptyEntries))
        {
            var says = Says().Match(clause.TrimEnd('.'));
            if (!says.Success || !truthful.TryGetValue(says.Groups["about"].Value, out bool other))
                throw UnsolvableItemException.Clause(Name, clause);
            bool claim = says.Groups["claim"].Value == "tells the truth";
            truthful[says.Groups["name"].Value] = claim == other;
            // One step a statement, as a worked answer would go: who is truthful follows from the one spoken of.
            steps.Add($"{says.Groups["name"].Value} says {says.Groups["about"].Value} {says.Groups["claim"].Value}, " +
                      $"so {says.Groups["name"].Value} {(claim == other ? "tells the truth" : "lies")}.");
            chain &= says.Groups["about"].Value == previous;
            previous = says.Groups["name"].Value;
        }
        string asked = match.Groups["asked"].Value;
        if (!truthful.TryGetValue(asked, out bool answer))
            throw UnsolvableItemException.Clause(Name, $"Does {asked} tell the truth?");
        return new Solution(answer ? "Yes" : "No", new ItemShape(Name, Name, truthful.Count, chain ? "chain" : "any-earlier"), steps);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        if (!Exists(size, variant))
            throw new ArgumentException($"web_of_lies has no {variant} item of {size} people", nameof(variant));
        string wanted = random.Next(2) == 0 ? "Yes" : "No";
        while (true)
        {
            var people = random.Sample(Names, size);
            var clauses = new List<string> { $"{people[0]} {Claim(random)}." };
            for (int i = 1; i < size; i++)
            {
                string about = variant == "chain" ? people[i - 1] : people[random.Next(i)];
                clauses.Add($"{people[i]} says {about} {Claim(random)}.");
            }
            string input = $"Question: {string.Join(' ', clauses)} Does {people[^1]} tell the truth?";
            var solution = Solve(input);
            if (solution.Target == wanted && solution.Shape.Variant == variant)
                return new TaskItem(input, wanted);
        }
    }

    private static string Claim(Random random) => random.Next(2) == 0 ? "lies" : "tells the truth";

    [GeneratedRegex(@"^Question: (?<first>[^.]+)\. (?<rest>.+\.) Does (?<asked>[A-Z][a-z]+) tell the truth\?$")]
    private static partial Regex Item();

    [GeneratedRegex(@"^(?<name>[A-Z][a-z]+) (?<claim>lies|tells the truth)$")]
    private static partial Regex First();

    [GeneratedRegex(@"^(?<name>[A-Z][a-z]+) says (?<about>[A-Z][a-z]+) (?<claim>lies|tells the truth)$")]
    private static partial Regex Says();
}
