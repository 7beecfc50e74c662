namespace Lion.Oracle.Families;

/// <summary>
/// tracking_shuffled_objects (three, five and seven objects): people start with one object each,
/// swap in pairs, and the item asks who ends with what, as lettered options. Size: the number of
/// people (and of swaps, as in BBH). Variants: the object sets BBH uses (balls, dance partners,
/// books, presents, soccer positions); the later ones are the rarer forms.
/// </summary>
public sealed class TrackingShuffledObjects : ITaskFamily
{
    private static readonly string[] People = ["Alice", "Bob", "Claire", "Dave", "Eve", "Fred", "Gertrude"];

    private sealed record Scenario(
        string Name, string Intro, Template Assignment, string Transition, Template Swap, Template Ending,
        Template Option, string[] Objects);

    private static readonly Scenario[] Scenarios =
    [
        new("balls", "are playing a game. At the start of the game, they are each holding a ball: ",
            new("{P} has a {X} ball"), "As the game progresses, pairs of players trade balls.",
            new("{P} and {Q} swap balls."), new("At the end of the game, {P} has the"), new("{X} ball"),
            ["red", "blue", "green", "yellow", "white", "black", "purple", "orange", "pink", "brown", "gray", "teal"]),
        new("dance", "are dancers at a square dance. At the start of a song, they each have a partner: ",
            new("{P} is dancing with {X}"), "Throughout the song, the dancers often trade partners.",
            new("{P} and {Q} switch partners."), new("At the end of the dance, {P} is dancing with"), new("{X}"),
            ["Amelie", "Bastian", "Corinna", "Dorian", "Elodie", "Florin", "Giselle", "Hector", "Imogen", "Jasper", "Katya", "Leopold"]),
        new("books", "are friends and avid readers who occasionally trade books. At the start of the semester, they each buy one new book: ",
            new("{P} gets {X}"), "As the semester proceeds, they start trading around the new books.",
            new("{P} and {Q} swap books."), new("At the end of the semester, {P} has"), new("{X}"),
            ["Middlemarch", "Dracula", "Persuasion", "Walden", "The Trial", "Don Quixote", "Bleak House", "The Idiot",
             "Kidnapped", "North and South", "Silas Marner", "The Odyssey"]),
        new("presents", "are holding a white elephant gift exchange. At the start of the event, they are each holding a present of a different color: ",
            new("{P} has a {X} present"), "As the event progresses, pairs of people swap gifts.",
            new("{P} and {Q} swap their gifts."), new("At the end of the event, {P} has the"), new("{X} present"),
            ["red", "blue", "green", "yellow", "white", "black", "purple", "orange", "pink", "brown", "gray", "teal"]),
        new("positions", "are on the same team in a soccer match. At the start of the match, they are each assigned to a position: ",
            new("{P} is playing {X}"), "As the game progresses, pairs of players occasionally swap positions.",
            new("{P} and {Q} trade positions."), new("At the end of the match, {P} is playing"), new("{X}"),
            ["goalkeeper", "left winger", "right winger", "striker", "center midfielder", "sweeper", "fullback",
             "left midfielder", "right midfielder", "benchwarmer", "cheerleader"]),
    ];

    private static readonly Template HasSomething = new("{P} has a {X}");
    private static readonly Template HasAnything = new("{P} has an {X}");

    private static readonly string[] SizeNames = ["", "", "", "three", "", "five", "", "seven"];

    public string Name => "tracking_shuffled_objects";
    public IReadOnlyList<int> Sizes { get; } = [3, 5, 7];
    public IReadOnlyList<string> Variants { get; } = Scenarios.Select(s => s.Name).ToList();

    public bool Recognises(string input) => Scenarios.Any(s => input.Contains(" " + s.Intro, StringComparison.Ordinal));

    public Solution Solve(string input)
    {
        var scenario = Scenarios.FirstOrDefault(s => input.Contains(" " + s.Intro, StringComparison.Ordinal))
                       ?? throw UnsolvableItemException.Clause(Name, input);
        var (text, options) = Options.Split(input, Name);
        var lines = text.Split('\n');
        if (lines.Length != 2)
            throw UnsolvableItemException.Clause(Name, text);

        var (namesText, rest) = Cut(lines[0], " " + scenario.Intro);
        var names = Words.SplitList(namesText);
        // What each holds, as its option reads ("red present"); BBH's gift exchanges sometimes hand
        // one person a ball instead ("Bob has a black ball"), which only the generic form reads.
        var holding = new Dictionary<string, string>();
        foreach (var assignment in Words.SplitList(rest.TrimEnd('.')))
        {
            string held;
            if (scenario.Assignment.TryMatch(assignment, out var person, out var item, out _))
                held = scenario.Option.Fill("", item);
            else if (HasSomething.TryMatch(assignment, out person, out item, out _) || HasAnything.TryMatch(assignment, out person, out item, out _))
                held = item;
            else
                throw UnsolvableItemException.Clause(Name, assignment);
            if (!names.Contains(person))
                throw UnsolvableItemException.Clause(Name, assignment);
            holding[person] = held;
        }
        if (holding.Count != names.Count)
            throw UnsolvableItemException.Clause(Name, lines[0]);

        if (!lines[1].StartsWith(scenario.Transition + " ", StringComparison.Ordinal))
            throw UnsolvableItemException.Clause(Name, lines[1]);
        var sentences = lines[1][(scenario.Transition.Length + 1)..].Split(". ");
        int swaps = 0;
        foreach (var sentence in sentences[..^1])
        {
            string swap = StripOrdinalWord(sentence) + ".";
            if (!scenario.Swap.TryMatch(swap, out var a, out _, out var b) || !holding.ContainsKey(a) || !holding.ContainsKey(b))
                throw UnsolvableItemException.Clause(Name, sentence);
            (holding[a], holding[b]) = (holding[b], holding[a]);
            swaps++;
        }
        if (!scenario.Ending.TryMatch(sentences[^1], out var asked, out _, out _) || !holding.ContainsKey(asked))
            throw UnsolvableItemException.Clause(Name, sentences[^1]);

        int answer = options.ToList().IndexOf(holding[asked]);
        if (answer < 0)
            throw UnsolvableItemException.Clause(Name, $"no option names {holding[asked]}");
        string task = $"{Name}_{SizeNames[Math.Min(names.Count, 7)]}_objects";
        return new Solution(Options.Letter(answer), new ItemShape(Name, task, names.Count, scenario.Name),
            [$"After {swaps} swaps, {asked} has {holding[asked]}."]);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        var scenario = Scenarios.First(s => s.Name == variant);
        int wanted = random.Next(size);
        while (true)
        {
            var people = People[..size];
            var objects = random.Sample(scenario.Objects, size);
            var assignments = people.Select((p, i) => scenario.Assignment.Fill(p, objects[i])).ToList();
            var optionTexts = objects.Select(o => scenario.Option.Fill("", o)).ToList();
            // As in BBH's gift exchanges, now and then one person holds a ball instead of a present.
            if (scenario.Name == "presents" && random.Next(4) == 0)
            {
                int odd = random.Next(size);
                assignments[odd] = HasSomething.Fill(people[odd], $"{objects[odd]} ball");
                optionTexts[odd] = $"{objects[odd]} ball";
            }
            var swaps = new List<string>();
            for (int i = 0; i < size; i++)
            {
                var pair = random.Sample(people, 2);
                string opening = i == 0 ? "First, " : i == size - 1 ? "Finally, " : "Then, ";
                swaps.Add(opening + scenario.Swap.Fill(pair[0], q: pair[1]));
            }
            string asked = random.Pick(people);
            string input = $"{Words.List(people)} {scenario.Intro}{Words.List(assignments)}.\n{scenario.Transition} " +
                           $"{string.Join(' ', swaps)} {scenario.Ending.Fill(asked)}" +
                           Options.Block(optionTexts);
            var solution = Solve(input);
            if (solution.Target == Options.Letter(wanted))
                return new TaskItem(input, solution.Target);
        }
    }

    private (string Before, string After) Cut(string text, string separator)
    {
        int at = text.IndexOf(separator, StringComparison.Ordinal);
        if (at < 0)
            throw UnsolvableItemException.Clause(Name, text);
        return (text[..at], text[(at + separator.Length)..]);
    }

    private string StripOrdinalWord(string sentence)
    {
        foreach (var opening in new[] { "First, ", "Then, ", "Finally, " })
            if (sentence.StartsWith(opening, StringComparison.Ordinal))
                return sentence[opening.Length..];
        throw UnsolvableItemException.Clause(Name, sentence);
    }
}
