namespace Lion.Oracle;

/// <summary>Small helpers for writing items the way BBH writes them.</summary>
internal static class Words
{
    private static readonly string[] Ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh"];
    private static readonly string[] Numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

    public static string Ordinal(int oneBased) => Ordinals[oneBased - 1];

    public static int ParseOrdinal(string word) => Array.IndexOf(Ordinals, word) + 1;

    public static string Number(int n) => Numbers[n];

    public static int ParseNumber(string word) => Array.IndexOf(Numbers, word);

    /// <summary>"a, b, and c" as BBH joins lists (two items: "a, and b").</summary>
    public static string List(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + ", and " + items[^1];

    /// <summary>Splits a list joined by <see cref="List"/>.</summary>
    public static List<string> SplitList(string text)
    {
        var parts = text.Split(", ").ToList();
        if (parts.Count > 1 && parts[^1].StartsWith("and ", StringComparison.Ordinal))
            parts[^1] = parts[^1][4..];
        else if (parts.Count == 1 && text.Contains(" and ", StringComparison.Ordinal))
            parts = [.. text.Split(" and ")];
        return parts;
    }

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static List<T> Sample<T>(this Random random, IReadOnlyList<T> items, int count) =>
        items.OrderBy(_ => random.Next()).Take(count).ToList();
}
