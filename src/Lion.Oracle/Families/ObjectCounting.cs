using System.Text.RegularExpressions;

namespace Lion.Oracle.Families;

/// <summary>
/// object_counting: "I have a cat, and two fish. How many animals do I have?" → "3". Counts are
/// "a"/"an" or number words; things of other categories are there to be left out. Size: the
/// number of entries in the list. Variants: the category asked about (musical instruments and
/// vegetables are the rarer ones).
/// </summary>
public sealed partial class ObjectCounting : ITaskFamily
{
    private sealed record Thing(string Singular, string Plural, string Category);

    private static readonly Thing[] Things =
    [
        .. Nouns("animals", "cat cats", "dog dogs", "cow cows", "pig pigs", "goat goats", "duck ducks", "frog frogs",
            "rabbit rabbits", "donkey donkeys", "snake snakes", "snail snails", "bear bears", "chicken chickens",
            "fish fish", "mouse mice", "sheep sheep", "horse horses"),
        .. Nouns("fruits", "apple apples", "banana bananas", "peach peaches", "plum plums", "grape grapes",
            "orange oranges", "strawberry strawberries", "raspberry raspberries", "blackberry blackberries",
            "nectarine nectarines", "cherry cherries", "lemon lemons", "mango mangoes", "pear pears"),
        .. Nouns("vegetables", "carrot carrots", "potato potatoes", "onion onions", "cabbage cabbages", "yam yams",
            "garlic garlics", "cauliflower cauliflowers", "head of broccoli|heads of broccoli",
            "stalk of celery|stalks of celery", "lettuce head|lettuce heads", "turnip turnips", "cucumber cucumbers"),
        .. Nouns("musical instruments", "piano pianos", "flute flutes", "violin violins", "trumpet trumpets",
            "trombone trombones", "clarinet clarinets", "drum drums", "accordion accordions", "cello cellos",
            "harp harps", "banjo banjos"),
        .. Nouns("objects", "chair chairs", "table tables", "bed beds", "lamp lamps", "couch couches", "oven ovens",
            "stove stoves", "fridge fridges", "toaster toasters", "microwave microwaves", "car cars"),
    ];

    private static readonly string[] Categories = ["animals", "fruits", "objects", "vegetables", "musical instruments"];

    public string Name => "object_counting";
    public IReadOnlyList<int> Sizes { get; } = [2, 4, 6, 9, 12];
    public IReadOnlyList<string> Variants { get; } = Categories;

    public bool Recognises(string input) => Item().IsMatch(input);

    public Solution Solve(string input)
    {
        var match = Item().Match(input);
        if (!match.Success)
            throw UnsolvableItemException.Clause(Name, input);
        string category = match.Groups["category"].Value;
        if (!Categories.Contains(category))
            throw UnsolvableItemException.Clause(Name, $"How many {category} do I have?");

        int total = 0;
        var counted = new List<string>();
        var entries = Words.SplitList(match.Groups["list"].Value);
        foreach (var entry in entries)
        {
            var (count, thing) = ReadEntry(entry);
            if (thing.Category != category)
                continue;
            total += count;
            counted.Add($"{count} {(count == 1 ? thing.Singular : thing.Plural)}");
        }
        return new Solution(total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new ItemShape(Name, Name, entries.Count, category),
            [$"The {category}: {(counted.Count == 0 ? "none" : string.Join(", ", counted))}; {total} in all."]);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        var asked = Things.Where(t => t.Category == variant).ToList();
        var others = Things.Where(t => t.Category != variant).ToList();
        // Mostly things of the asked category, some of others, never the same thing twice.
        var chosen = new List<Thing>();
        while (chosen.Count < size)
        {
            var pool = random.Next(4) == 0 ? others : asked;
            var thing = random.Pick(pool);
            if (!chosen.Contains(thing))
                chosen.Add(thing);
        }
        var entries = chosen.Select(thing =>
        {
            int count = random.Next(4) == 0 ? random.Next(2, 6) : 1;
            return count == 1 ? Article(thing.Singular) : $"{Words.Number(count)} {thing.Plural}";
        }).ToList();
        string input = $"I have {Words.List(entries)}. How many {variant} do I have?";
        return new TaskItem(input, Solve(input).Target);
    }

    private (int Count, Thing Thing) ReadEntry(string entry)
    {
        int space = entry.IndexOf(' ');
        if (space < 0)
            throw UnsolvableItemException.Clause(Name, entry);
        string head = entry[..space], noun = entry[(space + 1)..];
        if (head is "a" or "an")
        {
            var single = Things.FirstOrDefault(t => t.Singular == noun);
            return single is null ? throw UnsolvableItemException.Clause(Name, entry) : (1, single);
        }
        int count = Words.ParseNumber(head);
        var plural = Things.FirstOrDefault(t => t.Plural == noun);
        if (count < 2 || plural is null)
            throw UnsolvableItemException.Clause(Name, entry);
        return (count, plural);
    }

    private static string Article(string noun) => ("aeiou".Contains(noun[0]) ? "an " : "a ") + noun;

    private static IEnumerable<Thing> Nouns(string category, params string[] forms) => forms.Select(form =>
    {
        var parts = form.Contains('|') ? form.Split('|') : form.Split(' ');
        return new Thing(parts[0], parts[1], category);
    });

    [GeneratedRegex(@"^I have (?<list>.+)\. How many (?<category>[a-z ]+) do I have\?$")]
    private static partial Regex Item();
}
