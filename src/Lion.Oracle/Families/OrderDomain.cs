namespace Lion.Oracle.Families;

/// <summary>
/// One of logical_deduction's settings: the objects, how they are introduced and named, and how
/// the text says "before", "after" and "at position k" (index 0 is the leftmost, first, newest
/// or most expensive).
/// </summary>
internal sealed record OrderDomain(
    string Name,
    string IntroFormat,
    string[] Items,
    Func<string, string> Listed,
    Func<string, string> Subject,
    Func<string, string> Object,
    string Verb,
    string Before,
    string After,
    string First,
    string Last,
    string FromFirstFormat,
    string FromLastFormat)
{
    private static string Article(string noun) => "aeiou".Contains(noun[0]) ? $"an {noun}" : $"a {noun}";

    public static readonly OrderDomain[] All =
    [
        new("shelf", "On a shelf, there are {0} books: {1}.",
            ["red", "gray", "white", "green", "blue", "orange", "purple", "yellow", "black", "brown"],
            c => $"{Article(c)} book", c => $"The {c} book", c => $"the {c} book", "is",
            "is to the left of", "is to the right of", "the leftmost", "the rightmost", "the {0} from the left", "the {0} from the right"),
        new("branch", "On a branch, there are {0} birds: {1}.",
            ["robin", "owl", "hawk", "crow", "falcon", "sparrow", "heron", "finch", "wren", "magpie", "raven", "quail", "cardinal", "hummingbird", "blue jay"],
            Article, b => $"The {b}", b => $"the {b}", "is",
            "is to the left of", "is to the right of", "the leftmost", "the rightmost", "the {0} from the left", "the {0} from the right"),
        new("golf", "In a golf tournament, there were {0} golfers: {1}.",
            ["Ana", "Eli", "Joe", "Mel", "Rob", "Ida", "Tom", "Una", "Kai", "Liv", "Ada", "Amy", "Eve", "Dan", "Mya"],
            g => g, g => g, g => g, "finished",
            "finished above", "finished below", "first", "last", "{0}", "{0}-to-last"),
        new("vehicles", "In an antique car show, there are {0} vehicles: {1}.",
            ["sedan", "bus", "truck", "minivan", "convertible", "limousine", "tractor", "motorcycle", "hatchback", "station wagon"],
            Article, v => $"The {v}", v => $"the {v}", "is",
            "is newer than", "is older than", "the newest", "the oldest", "the {0}-newest", "the {0}-oldest"),
        new("fruits", "A fruit stand sells {0} fruits: {1}.",
            ["apples", "pears", "plums", "kiwis", "mangoes", "peaches", "oranges", "loquats", "watermelons", "cantaloupes"],
            f => f, f => $"The {f}", f => $"the {f}", "are",
            "are more expensive than", "are less expensive than", "the most expensive", "the cheapest",
            "the {0}-most expensive", "the {0}-cheapest"),
    ];

    public string Intro(IReadOnlyList<string> items) =>
        string.Format(IntroFormat, Words.Number(items.Count), Words.List(items.Select(Listed).ToList()));

    /// <summary>Reads the intro sentence back into the object names, in the order listed.</summary>
    public bool TryIntro(string sentence, out List<string> items)
    {
        items = [];
        var parts = IntroFormat.Split("{1}");
        string head = parts[0][..parts[0].IndexOf("{0}", StringComparison.Ordinal)];
        string afterCount = parts[0][(parts[0].IndexOf("{0}", StringComparison.Ordinal) + 3)..];
        if (!sentence.StartsWith(head, StringComparison.Ordinal) || !sentence.EndsWith(parts[1], StringComparison.Ordinal))
            return false;
        string middle = sentence[head.Length..^parts[1].Length];
        int countEnd = middle.IndexOf(afterCount, StringComparison.Ordinal);
        if (countEnd < 0)
            return false;
        int count = Words.ParseNumber(middle[..countEnd]);
        // Any object the listing's wording fits: the vocabulary this project writes with is not
        // the only one a reader meets ("a blue jay", golfers of any name).
        foreach (var listed in Words.SplitList(middle[(countEnd + afterCount.Length)..]))
        {
            if (Unlisted(listed) is not { Length: > 0 } item || Listed(item) != listed)
                return false;
            items.Add(item);
        }
        return items.Count == count && items.Distinct().Count() == count;
    }

    /// <summary>The object a listing names ("a red book" → "red", "an owl" → "owl"), read by the listing's own wording.</summary>
    private string? Unlisted(string listed)
    {
        var probe = Listed("\u0001");
        int at = probe.IndexOf('\u0001');
        string prefix = probe[..at], suffix = probe[(at + 1)..];
        if (prefix is "a ")
            prefix = listed.StartsWith("an ", StringComparison.Ordinal) ? "an " : "a ";
        return listed.StartsWith(prefix, StringComparison.Ordinal) && listed.EndsWith(suffix, StringComparison.Ordinal)
               && listed.Length > prefix.Length + suffix.Length
            ? listed[prefix.Length..^suffix.Length]
            : null;
    }

    /// <summary>How the text says "at index k of n"; both ends' phrasings exist for the middle places.</summary>
    public string Position(int k, int n, bool fromLast)
    {
        if (k == 0) return First;
        if (k == n - 1) return Last;
        return fromLast
            ? string.Format(FromLastFormat, Words.Ordinal(n - k))
            : string.Format(FromFirstFormat, Words.Ordinal(k + 1));
    }

    public bool TryPosition(string text, int n, out int k)
    {
        for (k = 0; k < n; k++)
            if (text == Position(k, n, fromLast: false) || text == Position(k, n, fromLast: true))
                return true;
        return false;
    }

    public string Statement(string item, string predicate) => $"{Subject(item)} {predicate}";

    public string AtPosition(string item, int k, int n, bool fromLast) => Statement(item, $"{Verb} {Position(k, n, fromLast)}");

    public string Relation(string item, bool before, string other) => Statement(item, $"{(before ? Before : After)} {Object(other)}");
}
