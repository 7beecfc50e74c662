using System.Globalization;
using System.Net;
using System.Text;
using Lion.Core.Store;

namespace Lion.Cli.Report;

/// <summary>What each iteration cost, by role and in all, and the running total against the run's budget.</summary>
internal static class CostByIteration
{
    public static string Html(RunStore store, double? maxCost, long? maxTokens)
    {
        var html = new StringBuilder("<h2>Cost</h2>\n");
        var usage = store.Plans.UsageByIteration();
        if (usage.Count == 0)
            return html.Append("<p><em>No request yet.</em></p>\n").ToString();
        html.Append("<table><tr><th>iteration</th><th style=\"text-align:left\">by role</th><th>tokens</th><th>cost</th><th>cumulative cost</th>")
            .Append(maxCost is null ? "" : "<th>of the budget</th>").Append("<th>cumulative tokens</th>")
            .Append(maxTokens is null ? "" : "<th>of the token budget</th>").Append("</tr>\n");
        double totalCost = 0;
        long totalTokens = 0;
        foreach (var iteration in usage.GroupBy(u => u.Iteration))
        {
            double cost = iteration.Sum(u => u.Cost);
            long tokens = iteration.Sum(u => u.InputTokens + u.OutputTokens);
            totalCost += cost;
            totalTokens += tokens;
            string roles = string.Join(", ", iteration.Select(u => $"{u.Role} {Money(u.Cost)}"));
            html.Append($"<tr><td>{iteration.Key}</td><td style=\"text-align:left\">{WebUtility.HtmlEncode(roles)}</td><td>{tokens:N0}</td>")
                .Append($"<td>{Money(cost)}</td><td>{Money(totalCost)}</td>")
                .Append(maxCost is { } budget ? $"<td>{totalCost / budget:P0}</td>" : "")
                .Append($"<td>{totalTokens:N0}</td>")
                .Append(maxTokens is { } tokenBudget ? $"<td>{totalTokens / (double)tokenBudget:P0}</td>" : "")
                .Append("</tr>\n");
        }
        html.Append("</table>\n<p>Tokens of paid requests and cache hits alike; cost is what the price table makes of the paid ones")
            .Append(maxCost is null && maxTokens is null ? " (the run has no budget)." : ".").Append("</p>\n");
        return html.ToString();
    }

    private static string Money(double cost) => cost.ToString("0.00##", CultureInfo.InvariantCulture);
}
