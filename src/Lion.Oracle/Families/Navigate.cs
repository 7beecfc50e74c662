using System.Text.RegularExpressions;

namespace Lion.Oracle.Families;

/// <summary>
/// navigate: "If you follow these instructions, do you return to the starting point? …" with a
/// Yes/No options block. Two phrasings: "Always face forward." with steps forward, backward,
/// left and right; and turns (left, right, around) with plain steps. Size: the number of
/// instructions. Yes and No come equally often and share their skeletons, so no wording gives
/// the answer away.
/// </summary>
public sealed partial class Navigate : ITaskFamily
{
    private const string Question = "If you follow these instructions, do you return to the starting point? ";
    private const string FaceForward = "Always face forward. ";
    private const string OptionsBlock = "\nOptions:\n- Yes\n- No";

    public string Name => "navigate";
    public IReadOnlyList<int> Sizes { get; } = [3, 4, 5, 7, 10];
    public IReadOnlyList<string> Variants { get; } = ["face-forward", "turns"];

    public bool Recognises(string input) =>
        input.StartsWith(Question, StringComparison.Ordinal) && input.EndsWith(OptionsBlock, StringComparison.Ordinal);

    public Solution Solve(string input)
    {
        if (!Recognises(input))
            throw UnsolvableItemException.Clause(Name, input);
        string body = input[Question.Length..^OptionsBlock.Length];
        bool faceForward = body.StartsWith(FaceForward, StringComparison.Ordinal);
        if (faceForward)
            body = body[FaceForward.Length..];

        int x = 0, y = 0, dx = 0, dy = 1, count = 0;
        foreach (Match sentence in Sentence().Matches(body))
        {
            count++;
            string text = sentence.Value.Trim();
            var step = Step().Match(text);
            if (step.Success)
            {
                int n = int.Parse(step.Groups["n"].Value);
                (int sx, int sy) = step.Groups["dir"].Value switch
                {
                    "" when !faceForward => (dx, dy),
                    " forward" when faceForward => (0, 1),
                    " backward" when faceForward => (0, -1),
                    " left" when faceForward => (-1, 0),
                    " right" when faceForward => (1, 0),
                    _ => throw UnsolvableItemException.Clause(Name, text),
                };
                x += sx * n;
                y += sy * n;
                continue;
            }
            (dx, dy) = text switch
            {
                "Turn left." when !faceForward => (-dy, dx),
                "Turn right." when !faceForward => (dy, -dx),
                "Turn around." when !faceForward => (-dx, -dy),
                _ => throw UnsolvableItemException.Clause(Name, text),
            };
        }
        if (count == 0 || Sentence().Replace(body, "").Trim().Length > 0)
            throw UnsolvableItemException.Clause(Name, body);
        bool home = x == 0 && y == 0;
        return new Solution(home ? "Yes" : "No", new ItemShape(Name, Name, count, faceForward ? "face-forward" : "turns"),
            [$"Following the instructions ends at ({x}, {y}) from the start."]);
    }

    /// <summary>
    /// Draws the skeleton first (which moves and turns, in which directions), keeping only
    /// skeletons that could come home, and then the step counts that give the wanted answer.
    /// Yes and No items so share every skeleton: no word (a direction, "Turn around") tells.
    /// </summary>
    public TaskItem Generate(Random random, int size, string variant)
    {
        bool home = random.Next(2) == 0;
        while (true)
        {
            var (sentences, moves) = variant == "face-forward" ? ForwardSkeleton(random, size) : TurnsSkeleton(random, size);
            if (moves.Count < 2 || !CanComeHome(moves.Select(m => m.Direction)))
                continue;
            var counts = Balanced(random, moves.Select(m => m.Direction).ToList());
            if (counts is null)
                continue;
            if (!home)
                Nudge(random, counts);
            for (int i = 0; i < moves.Count; i++)
                sentences[moves[i].Sentence] = string.Format(sentences[moves[i].Sentence], counts[i], counts[i] == 1 ? "step" : "steps");
            string input = Question + (variant == "face-forward" ? FaceForward : "") + string.Join(' ', sentences) + OptionsBlock;
            return new TaskItem(input, Solve(input).Target);
        }
    }

    private static (List<string> Sentences, List<(int Sentence, (int X, int Y) Direction)> Moves) ForwardSkeleton(Random random, int size)
    {
        var sentences = new List<string>();
        var moves = new List<(int, (int, int))>();
        for (int i = 0; i < size; i++)
        {
            var (word, direction) = random.Pick([("forward", (0, 1)), ("backward", (0, -1)), ("left", (-1, 0)), ("right", (1, 0))]);
            moves.Add((sentences.Count, direction));
            sentences.Add($"Take {{0}} {{1}} {word}.");
        }
        return (sentences, moves);
    }

    private static (List<string> Sentences, List<(int Sentence, (int X, int Y) Direction)> Moves) TurnsSkeleton(Random random, int size)
    {
        var sentences = new List<string>();
        var moves = new List<(int, (int, int))>();
        int dx = 0, dy = 1;
        for (int i = 0; i < size; i++)
        {
            if (random.Next(5) < 2)
            {
                string turn = random.Pick(["Turn left.", "Turn right.", "Turn around."]);
                (dx, dy) = turn switch { "Turn left." => (-dy, dx), "Turn right." => (dy, -dx), _ => (-dx, -dy) };
                sentences.Add(turn);
            }
            else
            {
                moves.Add((sentences.Count, (dx, dy)));
                sentences.Add("Take {0} {1}.");
            }
        }
        return (sentences, moves);
    }

    /// <summary>Home is reachable only if every direction moved in has its opposite among the moves.</summary>
    private static bool CanComeHome(IEnumerable<(int X, int Y)> directions)
    {
        var set = directions.ToHashSet();
        return set.All(d => set.Contains((-d.X, -d.Y)));
    }

    /// <summary>Counts of 1 to 10 that cancel out along each direction and its opposite.</summary>
    private static int[]? Balanced(Random random, List<(int X, int Y)> directions)
    {
        var counts = new int[directions.Count];
        foreach (var axis in directions.Where(d => d.X > 0 || d.Y > 0).Distinct())
        {
            var forth = Enumerable.Range(0, directions.Count).Where(i => directions[i] == axis).ToList();
            var back = Enumerable.Range(0, directions.Count).Where(i => directions[i] == (-axis.X, -axis.Y)).ToList();
            int low = Math.Max(forth.Count, back.Count), high = 10 * Math.Min(forth.Count, back.Count);
            if (low > high)
                return null;
            int total = random.Next(low, high + 1);
            Split(random, total, forth, counts);
            Split(random, total, back, counts);
        }
        return counts;
    }

    /// <summary>
    /// Moves one count by 1 to 3, which leaves that direction's axis unbalanced: a No item whose
    /// numbers look just like a Yes item's.
    /// </summary>
    private static void Nudge(Random random, int[] counts)
    {
        int place = random.Next(counts.Length);
        var choices = Enumerable.Range(1, 3).SelectMany(d => new[] { counts[place] - d, counts[place] + d })
            .Where(c => c is >= 1 and <= 10).ToList();
        counts[place] = random.Pick(choices);
    }

    /// <summary>Spreads <paramref name="total"/> over the given places, each getting 1 to 10.</summary>
    private static void Split(Random random, int total, List<int> places, int[] counts)
    {
        foreach (int place in places)
            counts[place] = 1;
        for (int left = total - places.Count; left > 0; left--)
        {
            var open = places.Where(p => counts[p] < 10).ToList();
            counts[random.Pick(open)]++;
        }
    }

    [GeneratedRegex(@"[^.]+\.")]
    private static partial Regex Sentence();

    [GeneratedRegex(@"^Take (?<n>\d+) steps?(?<dir>| forward| backward| left| right)\.$")]
    private static partial Regex Step();
}
