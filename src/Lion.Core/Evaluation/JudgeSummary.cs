namespace Lion.Core.Evaluation;

/// <summary>
/// What a pairwise evaluation found, over the questions with verdicts in both orders: the
/// paper's relative score (candidate total ÷ reference total), wins, ties and losses on the
/// mean of both orders, the share of questions whose winner flips when the order is swapped,
/// and the correlation of a score with its answer's length (a judge that rewards length shows
/// it here). Questions without both verdicts are counted as missing and left out.
/// </summary>
public sealed record JudgeSummary(
    string Category, int Questions, int Judged, int Missing,
    double CandidateTotal, double ReferenceTotal, int Wins, int Ties, int Losses, double FlipShare, double? LengthCorrelation)
{
    public double? RelativeScore => ReferenceTotal > 0 ? CandidateTotal / ReferenceTotal : null;

    public static JudgeSummary Of(string category, IReadOnlyList<JudgeVerdict> verdicts)
    {
        var complete = verdicts.Where(v => v.Complete).ToList();
        double candidate = 0, reference = 0;
        int wins = 0, ties = 0, losses = 0, flips = 0;
        var lengths = new List<double>();
        var scores = new List<double>();
        foreach (var verdict in complete)
        {
            var one = verdict.CandidateFirst!.Value;
            var two = verdict.ReferenceFirst!.Value;
            candidate += one.Candidate + two.Candidate;
            reference += one.Reference + two.Reference;
            int outcome = (one.Candidate + two.Candidate).CompareTo(one.Reference + two.Reference);
            if (outcome > 0) wins++; else if (outcome < 0) losses++; else ties++;
            if (JudgeVerdict.Winner(one) != JudgeVerdict.Winner(two))
                flips++;
            foreach (var (length, score) in new[]
                     {
                         (verdict.CandidateLength, one.Candidate), (verdict.CandidateLength, two.Candidate),
                         (verdict.ReferenceLength, one.Reference), (verdict.ReferenceLength, two.Reference),
                     })
            {
                lengths.Add(length);
                scores.Add(score);
            }
        }
        return new JudgeSummary(category, verdicts.Count, complete.Count, verdicts.Count - complete.Count,
            candidate, reference, wins, ties, losses, complete.Count > 0 ? (double)flips / complete.Count : 0, Pearson(lengths, scores));
    }

    /// <summary>Null when either side does not vary: a correlation is undefined then, not zero.</summary>
    private static double? Pearson(List<double> x, List<double> y)
    {
        if (x.Count < 2)
            return null;
        double meanX = x.Average(), meanY = y.Average();
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (int i = 0; i < x.Count; i++)
        {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            varianceX += (x[i] - meanX) * (x[i] - meanX);
            varianceY += (y[i] - meanY) * (y[i] - meanY);
        }
        return varianceX > 0 && varianceY > 0 ? covariance / Math.Sqrt(varianceX * varianceY) : null;
    }
}
