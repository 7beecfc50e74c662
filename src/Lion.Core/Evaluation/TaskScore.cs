namespace Lion.Core.Evaluation;

/// <summary>Exact-match results of one task file.</summary>
public sealed record TaskScore(string Task, int Items, int Correct, int Unanswered)
{
    public double Accuracy => Items == 0 ? 0 : Correct / (double)Items;
}
