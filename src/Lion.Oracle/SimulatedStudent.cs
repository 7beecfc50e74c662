using System.Collections.Concurrent;
using Lion.Core.Evaluation;

namespace Lion.Oracle;

/// <summary>
/// An imperfect student for testing the loop without a neural network. It answers an item
/// correctly unless a number fixed by (seed, item) falls under its error rate for the item's
/// family and size, and then gives a plausible wrong answer of the right form. Deterministic:
/// the same item gets the same answer until training changes the rate.
///
/// Learning curve: every training example of a family and size removes 5 % of the error above a
/// floor of 0.02 for that family and size, and 2 % for the family's other sizes. So a rate of
/// 0.80 falls to about 0.49 after 10 examples and 0.08 after 50; because answers are decided by
/// a fixed number against a falling rate, an item once answered right stays right.
/// </summary>
public sealed class SimulatedStudent(StudentProfile profile, int seed)
{
    private const double Floor = 0.02;
    private const double SameSize = 0.05;
    private const double OtherSize = 0.02;

    private readonly ConcurrentDictionary<(string Family, int Size), double> _learned = new();

    public SimulatedStudent(int seed = 0) : this(StudentProfile.Default, seed) { }

    public string Answer(string question)
    {
        Solution solution;
        try
        {
            solution = Oracle.Solve(question);
        }
        catch (UnsolvableItemException)
        {
            return "I am not sure.";
        }
        double error = ErrorRate(solution.Shape.Family, solution.Shape.Size);
        return StableHash.Unit(question.Trim(), seed) < error ? Wrong(solution.Target, question) : solution.Target;
    }

    public double ErrorRate(string family, int size)
    {
        var sizes = Oracle.Family(family).Sizes;
        int step = Math.Max(0, sizes.ToList().IndexOf(size));
        double start = profile.ErrorFor(family, step);
        double remaining = _learned.GetValueOrDefault((family, size), 1.0);
        return Floor + (start - Floor) * remaining;
    }

    /// <summary>Learns from the questions of a training set (the teacher's answers are exact).</summary>
    public void Train(IEnumerable<string> questions)
    {
        foreach (var question in questions)
        {
            Solution solution;
            try
            {
                solution = Oracle.Solve(question);
            }
            catch (UnsolvableItemException)
            {
                continue;
            }
            foreach (int size in Oracle.Family(solution.Shape.Family).Sizes)
            {
                double keep = size == solution.Shape.Size ? 1 - SameSize : 1 - OtherSize;
                _learned.AddOrUpdate((solution.Shape.Family, size), keep, (_, left) => left * keep);
            }
        }
    }

    /// <summary>A wrong answer of the target's form, fixed by the question.</summary>
    private string Wrong(string target, string question)
    {
        var random = new Random(StableHash.Of(question, seed + 1));
        switch (AnswerExtractor.KindOf(target))
        {
            case AnswerKind.Letter:
                int options = question.Split("\n(").Length - 1;
                int right = target[1] - 'A';
                int wrong = (right + 1 + random.Next(Math.Max(1, options - 1))) % Math.Max(2, options);
                return $"({(char)('A' + wrong)})";
            case AnswerKind.YesNo:
                return target == "Yes" ? "No" : "Yes";
            case AnswerKind.TrueFalse:
                return target == "True" ? "False" : "True";
            case AnswerKind.Integer:
                int delta = random.Next(1, 6) * (random.Next(2) == 0 ? -1 : 1);
                return (long.Parse(target) + delta).ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                var tokens = target.Split(' ').ToList();
                if (tokens.Count == 1)
                    return tokens[0] + " " + tokens[0];
                int i = random.Next(tokens.Count - 1);
                (tokens[i], tokens[i + 1]) = (tokens[i + 1], tokens[i]);
                return tokens.SequenceEqual(target.Split(' ')) ? string.Join(' ', tokens.Skip(1)) : string.Join(' ', tokens);
        }
    }
}
