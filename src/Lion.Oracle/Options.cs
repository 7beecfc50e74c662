namespace Lion.Oracle;

/// <summary>BBH's lettered options block: "\nOptions:\n(A) …\n(B) …".</summary>
internal static class Options
{
    public static string Letter(int index) => $"({(char)('A' + index)})";

    public static string Block(IEnumerable<string> choices) =>
        "\nOptions:\n" + string.Join("\n", choices.Select((choice, i) => $"{Letter(i)} {choice}"));

    /// <summary>Splits "text\nOptions:\n(A) x\n(B) y" into the text and the choices in order.</summary>
    public static (string Text, List<string> Choices) Split(string input, string family)
    {
        int at = input.LastIndexOf("\nOptions:\n", StringComparison.Ordinal);
        if (at < 0)
            throw UnsolvableItemException.Clause(family, "no Options block");
        var choices = new List<string>();
        foreach (var line in input[(at + "\nOptions:\n".Length)..].Split('\n'))
        {
            string letter = Letter(choices.Count);
            if (!line.StartsWith(letter + " ", StringComparison.Ordinal))
                throw UnsolvableItemException.Clause(family, line);
            choices.Add(line[(letter.Length + 1)..]);
        }
        return (input[..at], choices);
    }
}
