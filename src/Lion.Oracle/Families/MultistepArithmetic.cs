using System.Globalization;
using System.Text.RegularExpressions;

namespace Lion.Oracle.Families;

/// <summary>
/// multistep_arithmetic_two: "((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7)) =" → "24": two bracketed
/// groups of single-digit integers joined by +, - and * (multiplication first). Size: numbers
/// per group (BBH: 4). Variants: mixed operators, and multiplication-heavy.
/// </summary>
public sealed partial class MultistepArithmetic : ITaskFamily
{
    public string Name => "multistep_arithmetic_two";
    public IReadOnlyList<int> Sizes { get; } = [2, 3, 4, 5, 6];
    public IReadOnlyList<string> Variants { get; } = ["mixed", "products"];

    public bool Recognises(string input) => Shape().IsMatch(input);

    public Solution Solve(string input)
    {
        var match = Shape().Match(input);
        if (!match.Success)
            throw UnsolvableItemException.Clause(Name, input);
        var (left, leftCount, leftProducts) = Group(match.Groups["left"].Value);
        var (right, rightCount, rightProducts) = Group(match.Groups["right"].Value);
        long value = match.Groups["op"].Value switch { "+" => left + right, "-" => left - right, _ => left * right };
        string variant = (leftProducts + rightProducts) * 2 > leftCount + rightCount - 2 ? "products" : "mixed";
        return new Solution(value.ToString(CultureInfo.InvariantCulture), new ItemShape(Name, Name, leftCount, variant),
            [$"({match.Groups["left"].Value}) = {left}.", $"({match.Groups["right"].Value}) = {right}.",
             $"{left} {match.Groups["op"].Value} {right} = {value}."]);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        while (true)
        {
            string input = $"(({RandomGroup(random, size, variant)}) {random.Pick(["+", "-", "*"])} ({RandomGroup(random, size, variant)})) =";
            var solution = Solve(input);
            if (solution.Shape.Variant == variant)
                return new TaskItem(input, solution.Target);
        }
    }

    private static string RandomGroup(Random random, int size, string variant)
    {
        var parts = new List<string> { random.Next(-9, 10).ToString(CultureInfo.InvariantCulture) };
        for (int i = 1; i < size; i++)
        {
            string op = variant == "products" && random.Next(3) > 0 ? "*" : random.Pick(["+", "-", "*"]);
            parts.Add(op);
            parts.Add(random.Next(-9, 10).ToString(CultureInfo.InvariantCulture));
        }
        return string.Join(' ', parts);
    }

    /// <summary>Evaluates "a op b op c …" with * before + and -.</summary>
    private (long Value, int Count, int Products) Group(string text)
    {
        var tokens = text.Split(' ');
        if (tokens.Length % 2 == 0)
            throw UnsolvableItemException.Clause(Name, text);
        long total = 0, term = Number(tokens[0]);
        int sign = 1, products = 0;
        for (int i = 1; i < tokens.Length; i += 2)
        {
            long next = Number(tokens[i + 1]);
            switch (tokens[i])
            {
                case "*": term *= next; products++; break;
                case "+": total += sign * term; sign = 1; term = next; break;
                case "-": total += sign * term; sign = -1; term = next; break;
                default: throw UnsolvableItemException.Clause(Name, tokens[i]);
            }
        }
        return (total + sign * term, (tokens.Length + 1) / 2, products);
    }

    private long Number(string token) =>
        long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw UnsolvableItemException.Clause(Name, token);

    [GeneratedRegex(@"^\(\((?<left>-?\d+(?: [-+*] -?\d+)*)\) (?<op>[-+*]) \((?<right>-?\d+(?: [-+*] -?\d+)*)\)\) =$")]
    private static partial Regex Shape();
}
