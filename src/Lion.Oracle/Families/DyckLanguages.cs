namespace Lion.Oracle.Families;

/// <summary>
/// dyck_languages: "Complete the rest of the sequence, making sure that the parentheses are
/// closed properly. Input: [ { [" → "] } ]". Size: the length of the input sequence. Variants:
/// all four bracket kinds, or only round and angle ones nested deep (the long tail).
/// </summary>
public sealed class DyckLanguages : ITaskFamily
{
    private const string Prefix = "Complete the rest of the sequence, making sure that the parentheses are closed properly. Input: ";
    private static readonly Dictionary<string, string> Closers = new() { ["("] = ")", ["["] = "]", ["{"] = "}", ["<"] = ">" };

    public string Name => "dyck_languages";
    public IReadOnlyList<int> Sizes { get; } = [4, 8, 14, 20, 28];
    public IReadOnlyList<string> Variants { get; } = ["mixed", "deep-round-angle"];

    public bool Recognises(string input) => input.StartsWith(Prefix, StringComparison.Ordinal);

    public Solution Solve(string input)
    {
        if (!Recognises(input))
            throw UnsolvableItemException.Clause(Name, input);
        var tokens = input[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var open = new Stack<string>();
        int deepest = 0;
        foreach (var token in tokens)
        {
            if (Closers.ContainsKey(token))
            {
                open.Push(token);
                deepest = Math.Max(deepest, open.Count);
            }
            else if (Closers.ContainsValue(token))
            {
                if (open.Count == 0 || Closers[open.Peek()] != token)
                    throw UnsolvableItemException.Clause(Name, $"{token} closes nothing open");
                open.Pop();
            }
            else
            {
                throw UnsolvableItemException.Clause(Name, token);
            }
        }
        if (open.Count == 0)
            throw UnsolvableItemException.Clause(Name, "the sequence is already closed");
        var closing = open.Select(o => Closers[o]).ToList();
        bool roundAngle = tokens.All(t => t is "(" or ")" or "<" or ">");
        string variant = roundAngle && deepest * 3 >= tokens.Length ? "deep-round-angle" : "mixed";
        return new Solution(string.Join(' ', closing), new ItemShape(Name, Name, tokens.Length, variant),
            [$"Still open, innermost first: {string.Join(' ', open)}; each closes with its partner."]);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        string[] kinds = variant == "deep-round-angle" ? ["(", "<"] : ["(", "[", "{", "<"];
        double openBias = variant == "deep-round-angle" ? 0.75 : 0.6;
        while (true)
        {
            var tokens = new List<string>();
            var open = new Stack<string>();
            for (int i = 0; i < size; i++)
            {
                int remaining = size - i;
                bool mustOpen = open.Count == 0;
                // Keep at least one bracket open at the end: the item asks for the rest.
                bool mustClose = open.Count >= remaining + 1 && open.Count > 1;
                if (!mustClose && (mustOpen || random.NextDouble() < openBias || open.Count == 1 && remaining == 1))
                {
                    var kind = random.Pick(kinds);
                    open.Push(kind);
                    tokens.Add(kind);
                }
                else
                {
                    tokens.Add(Closers[open.Pop()]);
                }
            }
            string input = Prefix + string.Join(' ', tokens);
            if (open.Count == 0)
                continue;
            var solution = Solve(input);
            if (solution.Shape.Variant == variant)
                return new TaskItem(input, solution.Target);
        }
    }
}
