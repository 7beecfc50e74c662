using System.Text;

namespace Lion.Oracle.Families;

/// <summary>
/// boolean_expressions: "not ( True ) and ( True ) is" → "False". Python's precedence (not,
/// then and, then or). Size: the number of True/False operands. Variants: plain, and nested
/// (more brackets and stacked nots).
/// </summary>
public sealed class BooleanExpressions : ITaskFamily
{
    public string Name => "boolean_expressions";
    public IReadOnlyList<int> Sizes { get; } = [2, 3, 4, 5, 6];
    public IReadOnlyList<string> Variants { get; } = ["plain", "nested"];

    public bool Recognises(string input) =>
        input.EndsWith(" is", StringComparison.Ordinal)
        && input[..^3].Split(' ').All(t => t is "True" or "False" or "not" or "and" or "or" or "(" or ")");

    public Solution Solve(string input)
    {
        if (!Recognises(input))
            throw UnsolvableItemException.Clause(Name, input);
        var tokens = input[..^3].Split(' ');
        int position = 0;
        bool value = Or(tokens, ref position);
        if (position != tokens.Length)
            throw UnsolvableItemException.Clause(Name, string.Join(' ', tokens[position..]));
        int operands = tokens.Count(t => t is "True" or "False");
        string variant = tokens.Contains("(") || tokens.Zip(tokens.Skip(1)).Any(p => p is ("not", "not")) ? "nested" : "plain";
        return new Solution(value ? "True" : "False", new ItemShape(Name, Name, operands, variant),
            [$"Evaluating with not before and before or: {input[..^3]} = {value}."]);
    }

    /// <summary>
    /// Draws the shape of the expression first (operators, nots, brackets) and then the True/False
    /// values that give the wanted answer, so every shape is as likely to be True as False: an
    /// "or" in the text tells nothing.
    /// </summary>
    public TaskItem Generate(Random random, int size, string variant)
    {
        bool wanted = random.Next(2) == 0;
        while (true)
        {
            var shape = new StringBuilder();
            Write(random, size, variant == "nested", shape, top: true);
            string template = shape.ToString().Trim() + " is";
            var fits = Enumerable.Range(0, 1 << size)
                .Select(bits => Fill(template, bits))
                .Where(input => Solve(input).Target == (wanted ? "True" : "False"))
                .ToList();
            if (fits.Count == 0)
                continue;
            string input = random.Pick(fits);
            var solution = Solve(input);
            if (solution.Shape.Variant == variant)
                return new TaskItem(input, solution.Target);
        }
    }

    private static string Fill(string template, int bits)
    {
        var text = new StringBuilder();
        int next = 0;
        foreach (var token in template.Split(' '))
            text.Append(token == Operand ? ((bits >> next++) & 1) == 1 ? "True" : "False" : token).Append(' ');
        return text.ToString().TrimEnd();
    }

    private const string Operand = "x";

    private static void Write(Random random, int operands, bool nested, StringBuilder text, bool top)
    {
        int nots = random.Next(nested ? 4 : 3) switch { 0 or 1 => 0, 2 => 1, _ => 2 };
        for (int i = 0; i < nots; i++)
            text.Append("not ");
        if (operands == 1)
        {
            bool bracket = nested ? random.Next(3) == 0 : random.Next(6) == 0;
            text.Append(bracket ? $"( {Operand} ) " : $"{Operand} ");
            return;
        }
        int left = random.Next(1, operands);
        bool wrap = !top && (nested ? random.Next(2) == 0 : nots > 0 || random.Next(4) == 0);
        wrap |= nots > 0;
        if (wrap) text.Append("( ");
        Write(random, left, nested, text, top: false);
        text.Append(random.Next(2) == 0 ? "and " : "or ");
        Write(random, operands - left, nested, text, top: false);
        if (wrap) text.Append(") ");
    }

    private bool Or(string[] tokens, ref int position)
    {
        bool value = And(tokens, ref position);
        while (position < tokens.Length && tokens[position] == "or")
        {
            position++;
            value = And(tokens, ref position) | value;
        }
        return value;
    }

    private bool And(string[] tokens, ref int position)
    {
        bool value = Not(tokens, ref position);
        while (position < tokens.Length && tokens[position] == "and")
        {
            position++;
            value = Not(tokens, ref position) & value;
        }
        return value;
    }

    private bool Not(string[] tokens, ref int position)
    {
        if (position < tokens.Length && tokens[position] == "not")
        {
            position++;
            return !Not(tokens, ref position);
        }
        return Atom(tokens, ref position);
    }

    private bool Atom(string[] tokens, ref int position)
    {
        if (position >= tokens.Length)
            throw UnsolvableItemException.Clause(Name, "the expression ends early");
        string token = tokens[position++];
        switch (token)
        {
            case "True": return true;
            case "False": return false;
            case "(":
                bool value = Or(tokens, ref position);
                if (position >= tokens.Length || tokens[position++] != ")")
                    throw UnsolvableItemException.Clause(Name, "an unclosed bracket");
                return value;
            default:
                throw UnsolvableItemException.Clause(Name, token);
        }
    }
}
