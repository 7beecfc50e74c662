namespace Lion.Oracle.Families;

/// <summary>
/// logical_deduction (three, five and seven objects): objects in a fixed order, clues that fix
/// it exactly, and lettered options all asking about one place. Size: the number of objects.
/// Variants: books on a shelf, birds on a branch, golfers, vehicles by age, fruits by price.
/// The place asked about is never stated outright by a clue, so no option can be found by
/// looking for its words in the text.
/// </summary>
public sealed class LogicalDeduction : ITaskFamily
{
    private const string Preamble = "The following paragraphs each describe a set of {0} objects arranged in a fixed order. " +
                                    "The statements are logically consistent within each paragraph. ";

    private abstract record Clue;
    private sealed record Relative(int Item, bool Before, int Other) : Clue;
    private sealed record Absolute(int Item, int Place) : Clue;

    public string Name => "logical_deduction";
    public IReadOnlyList<int> Sizes { get; } = [3, 5, 7];
    public IReadOnlyList<string> Variants { get; } = OrderDomain.All.Select(d => d.Name).ToList();

    public bool Recognises(string input) => input.StartsWith("The following paragraphs each describe a set of ", StringComparison.Ordinal);

    public Solution Solve(string input)
    {
        if (!Recognises(input))
            throw UnsolvableItemException.Clause(Name, input);
        var (text, options) = Options.Split(input, Name);
        var sentences = text.Split(". ").Select(s => s.TrimEnd('.')).ToList();
        // Preamble: two sentences; then the intro; then the clues.
        if (sentences.Count < 4)
            throw UnsolvableItemException.Clause(Name, text);
        string intro = sentences[2] + ".";
        List<string> items = [];
        var domain = OrderDomain.All.FirstOrDefault(d => d.TryIntro(intro, out items))
                     ?? throw UnsolvableItemException.Clause(Name, intro);
        int n = items.Count;

        var clues = sentences.Skip(3).Select(sentence => ReadClue(domain, items, sentence)).ToList();
        var orders = Orders(n).Where(order => clues.All(clue => Holds(clue, order))).ToList();
        if (orders.Count != 1)
            throw UnsolvableItemException.Clause(Name, $"the clues allow {orders.Count} orders, not one");
        var order = orders[0];

        int? asked = null;
        int answer = -1;
        for (int i = 0; i < options.Count; i++)
        {
            if (ReadClue(domain, items, options[i]) is not Absolute { } option || asked is { } place && place != option.Place)
                throw UnsolvableItemException.Clause(Name, options[i]);
            asked = option.Place;
            if (order[option.Item] == option.Place)
                answer = i;
        }
        string task = $"{Name}_{Words.Number(n)}_objects";
        var ordered = items.OrderBy(item => order[items.IndexOf(item)]);
        return new Solution(Options.Letter(answer), new ItemShape(Name, task, n, domain.Name),
            [$"The only order the clues allow, {domain.Position(0, n, false)} first: {string.Join(", ", ordered)}."]);
    }

    public TaskItem Generate(Random random, int size, string variant)
    {
        var domain = OrderDomain.All.First(d => d.Name == variant);
        int wantedLetter = random.Next(size);
        while (true)
        {
            var items = random.Sample(domain.Items, size);
            var order = Enumerable.Range(0, size).OrderBy(_ => random.Next()).ToArray(); // order[item] = place
            var clues = Minimal(random, order);
            int asked = random.Next(size);
            if (clues.Any(c => c is Absolute a && a.Place == asked))
                continue;
            int answerItem = Array.IndexOf(order, asked);
            if (answerItem != wantedLetter)
                continue;

            var text = new List<string>
            {
                string.Format(Preamble, Words.Number(size)) + domain.Intro(items),
            };
            text.AddRange(clues.Select(c => Write(domain, items, c, size, random) + "."));
            bool fromLast = random.Next(2) == 0;
            var choices = items.Select(item => domain.AtPosition(item, asked, size, fromLast));
            string input = string.Join(' ', text) + Options.Block(choices);
            return new TaskItem(input, Solve(input).Target);
        }
    }

    /// <summary>Clues drawn at random until one order remains, then pruned to those that are needed.</summary>
    private static List<Clue> Minimal(Random random, int[] order)
    {
        int n = order.Length;
        var candidates = new List<Clue>();
        for (int a = 0; a < n; a++)
        {
            candidates.Add(new Absolute(a, order[a]));
            for (int b = 0; b < n; b++)
                if (a != b)
                    candidates.Add(new Relative(a, order[a] < order[b], b));
        }
        var chosen = new List<Clue>();
        var remaining = Orders(n).ToList();
        foreach (var clue in candidates.OrderBy(_ => random.Next()))
        {
            if (remaining.Count == 1)
                break;
            var kept = remaining.Where(o => Holds(clue, o)).ToList();
            if (kept.Count < remaining.Count)
            {
                chosen.Add(clue);
                remaining = kept;
            }
        }
        foreach (var clue in chosen.ToList())
        {
            var without = chosen.Where(c => c != clue).ToList();
            if (Orders(n).Count(o => without.All(c => Holds(c, o))) == 1)
                chosen = without;
        }
        return chosen;
    }

    private static string Write(OrderDomain domain, List<string> items, Clue clue, int n, Random random) => clue switch
    {
        Absolute a => domain.AtPosition(items[a.Item], a.Place, n, fromLast: random.Next(2) == 0),
        Relative r => domain.Relation(items[r.Item], r.Before, items[r.Other]),
        _ => throw new ArgumentOutOfRangeException(nameof(clue)),
    };

    private Clue ReadClue(OrderDomain domain, List<string> items, string sentence)
    {
        foreach (var (item, index) in items.Select((item, index) => (item, index)))
        {
            string subject = domain.Subject(item) + " ";
            if (!sentence.StartsWith(subject, StringComparison.Ordinal))
                continue;
            string predicate = sentence[subject.Length..];
            foreach (var (relation, before) in new[] { (domain.Before, true), (domain.After, false) })
            {
                if (!predicate.StartsWith(relation + " ", StringComparison.Ordinal))
                    continue;
                string other = predicate[(relation.Length + 1)..];
                int otherIndex = items.FindIndex(o => domain.Object(o) == other);
                if (otherIndex >= 0)
                    return new Relative(index, before, otherIndex);
            }
            if (predicate.StartsWith(domain.Verb + " ", StringComparison.Ordinal)
                && domain.TryPosition(predicate[(domain.Verb.Length + 1)..], items.Count, out int place))
                return new Absolute(index, place);
        }
        throw UnsolvableItemException.Clause(Name, sentence);
    }

    private static bool Holds(Clue clue, int[] order) => clue switch
    {
        Absolute a => order[a.Item] == a.Place,
        Relative r => r.Before ? order[r.Item] < order[r.Other] : order[r.Item] > order[r.Other],
        _ => false,
    };

    private static IEnumerable<int[]> Orders(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        yield return (int[])order.Clone();
        while (true)
        {
            int i = n - 2;
            while (i >= 0 && order[i] >= order[i + 1]) i--;
            if (i < 0) yield break;
            int j = n - 1;
            while (order[j] <= order[i]) j--;
            (order[i], order[j]) = (order[j], order[i]);
            Array.Reverse(order, i + 1, n - i - 1);
            yield return (int[])order.Clone();
        }
    }
}
