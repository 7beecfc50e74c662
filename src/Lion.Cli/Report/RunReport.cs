using System.Net;
using System.Text;
using Lion.Core;
using Lion.Core.Store;
using ScottPlot;

namespace Lion.Cli.Report;

/// <summary>
/// One HTML page with PNG plots of a run, written into DIR/report: the iteration table, what the
/// referee found (hardest and easy pairs with answers and reviews, hard share by family, generated
/// instructions), what came back unusable, cost against the budget, plan against actual, and plots
/// of held-out accuracy per family, hard share and mean gap, the gap histogram, pool sizes,
/// rejected candidates by reason and teacher usage. Everything is local: the page opens without a network.
/// </summary>
internal static class RunReport
{
    private const int Width = 720, Height = 420;

    public static string Write(RunStore store)
    {
        string folder = Path.Combine(store.Folder, "report");
        if (File.Exists(folder))
            throw Core.BadInputException.InFile(folder, "is a file; the report is written to a folder of that name (move the file away)");
        Directory.CreateDirectory(folder);
        string page = Path.Combine(folder, "index.html");
        File.WriteAllText(page, Page("lion run report", Body(store, new Images(folder, ""))));
        return page;
    }

    /// <summary>
    /// Two runs' reports side by side on one page (an adversarial run and its random ablation),
    /// written to <paramref name="page"/> with its plots beside it.
    /// </summary>
    public static string Compare(RunStore first, RunStore second, string page)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(page))!;
        Directory.CreateDirectory(folder);
        string name = Path.GetFileNameWithoutExtension(page);
        var columns = new[] { (first, "a"), (second, "b") }
            .Select(run => $"<div style=\"min-width:0\">{Body(run.Item1, new Images(folder, $"{name}-{run.Item2}-"))}</div>");
        File.WriteAllText(page, Page("lion compare", $"<div style=\"display:grid;grid-template-columns:1fr 1fr;gap:2em\">{string.Concat(columns)}</div>",
            wide: true));
        return page;
    }

    private static string Page(string title, string body, bool wide = false) =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Encode(title) + "</title>\n" +
        $"<style>body{{font-family:sans-serif;max-width:{(wide ? 1700 : 800)}px;margin:2em auto;color:#222}}figure{{margin:1.5em 0}}" +
        "figcaption{color:#555}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}" +
        "img{max-width:100%;height:auto}details{margin:.3em 0}summary{cursor:pointer}" +
        "pre{white-space:pre-wrap;background:#f6f6f6;padding:.4em;margin:.2em 0}</style></head><body>\n" + body + "</body></html>\n";

    /// <summary>One run's sections, its plots saved as <paramref name="images"/> says.</summary>
    private static string Body(RunStore store, Images images)
    {
        var overview = store.Summary.Overview();
        var sections = new List<(string Title, string? Image, string Caption)>
        {
            ("Held-out accuracy", HeldOut(store, images, TestSet.HeldOut), "Exact match on the held-out tasks after each iteration's imitation, per family."),
            ("Benchmark-sized accuracy", HeldOut(store, images, TestSet.BenchmarkSized),
                "Exact match on items at the benchmark's own sizes and variants (never trained on), per family: whether what the student learns carries to where the user wants it."),
            ("Discrimination", Discrimination(overview, images), "Share of cache-pool instructions judged hard, and the mean teacher − student gap."),
            ("Gap histogram", Gaps(store, overview, images), "Referee gap (teacher − student, both orders averaged) of every judged pair, all iterations."),
            ("Pools", Pools(overview, images), "Train pool (X_A) and cache pool (X_B) at the start of each iteration." + TrainsOn(store)),
            ("Rejected candidates", Rejections(overview, images), "Generator replies discarded, by reason, over the run."),
            ("Teacher usage", Usage(store, images), "Answered requests by role: paid upstream calls and cache hits."),
        };

        var config = Core.Config.RunConfigReader.Parse(store.Config().Json, $"{store.Folder} (stored config)");
        var html = new StringBuilder()
            .Append($"<h1>lion run report</h1>\n<p>{Encode(Path.GetFullPath(store.Folder))} — created {Encode(overview.CreatedAt)}, ")
            .Append($"student {Encode(config.Student.Describe())}, ")
            .Append($"selection {Vocabulary<Core.Config.SeedSelection>.Word(config.Selection)}, ")
            .Append($"{overview.Usage.Requests} paid requests, {overview.Usage.CachedHits} cache hits, cost {overview.Usage.Cost:0.####}.</p>\n");
        html.Append(Table(overview));
        html.Append(RefereeFindings.Html(store, overview.Results.Where(r => r.MeanGap is not null).Select(r => r.Iteration).ToList()));
        html.Append(WhatCameBack(overview));
        html.Append(CostByIteration.Html(store, config.Budget.MaxCost, config.Budget.MaxTokens));
        html.Append(PlanAgainstActual(store));
        foreach (var (title, image, caption) in sections)
        {
            html.Append($"<h2>{Encode(title)}</h2>\n");
            html.Append(image is null
                ? $"<p><em>Nothing to show yet.</em> {Encode(caption)}</p>\n"
                : $"<figure><img src=\"{image}\" width=\"{Width}\" height=\"{Height}\" alt=\"{Encode(title)}\"><figcaption>{Encode(caption)}</figcaption></figure>\n");
        }
        html.Append(BenchmarkResults(store));
        html.Append(Judgements(store));
        return html.ToString();
    }

    /// <summary>Where a page's plots go: its folder, each file name after a prefix (one per run on a comparison page).</summary>
    private sealed record Images(string Folder, string Prefix);

    /// <summary>
    /// Per iteration, what the loop could not use: answers left out of training, replies that did
    /// not parse, wrapped generator replies, failed requests by role with their most common message,
    /// and stages that stopped unfinished. A run that is not learning shows why here.
    /// </summary>
    private static string WhatCameBack(RunOverview overview)
    {
        var html = new StringBuilder("<h2>What came back</h2>\n");
        foreach (var stopped in overview.Stages.Where(s => s.Status == StageStatus.Stopped))
            html.Append($"<p><strong>Iteration {stopped.Iteration}, {Vocabulary<LoopStage>.Word(stopped.Stage)} stopped unfinished: {Encode(stopped.Owed ?? "")}.</strong></p>\n");
        html.Append("<table><tr><th>iteration</th><th>trained on</th><th>truncated or empty</th><th>refused</th><th>unparsed reviews</th>")
            .Append("<th>generator replies unwrapped</th><th>failed requests</th></tr>\n");
        foreach (var r in overview.Results)
        {
            string trained = r.Imitation is { } set ? $"{set.Trained} of {set.Instructions}" : "–";
            string failed = r.Failures.Count == 0 ? "none"
                : string.Join("; ", r.Failures.Select(f => $"{Encode(f.Role)} {f.Count} (most often: {Encode(f.CommonMessage)})"));
            html.Append($"<tr><td>{r.Iteration}</td><td>{trained}</td><td>{r.Imitation?.Truncated.ToString() ?? "–"}</td>")
                .Append($"<td>{r.Imitation?.Unanswerable.ToString() ?? "–"}</td><td>{r.UnparsedReviews}</td><td>{r.Unwrapped}</td>")
                .Append($"<td style=\"text-align:left\">{failed}</td></tr>\n");
        }
        html.Append("</table>\n");
        // Refusals of the item by role, over the run: results kept under the parameters they came with, never trained on.
        string ByRole(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{Encode(c.Key)} {c.Value}"));
        if (overview.UnanswerableByRole.Count > 0)
            html.Append($"<p>Refused by the endpoint for the item's sake (unanswerable): {ByRole(overview.UnanswerableByRole)}.</p>\n");
        if (overview.ContentFilteredByRole.Count > 0)
            html.Append($"<p>Refused or withheld by the provider's content filter: {ByRole(overview.ContentFilteredByRole)}.</p>\n");
        if (overview.ClampedByRole.Count > 0)
            html.Append("<p>Sent with fewer output tokens than asked, to fit the model's context: " +
                        string.Join(", ", overview.ClampedByRole.Select(c => $"{Encode(c.Key)} {c.Value.Requests} (down to {c.Value.FewestTokens} tokens)")) + ".</p>\n");
        return html.ToString();
    }

    /// <summary>
    /// The plan the run started with (or was last given a new config with) beside what it asked
    /// for, per iteration and role: requests (cache hits included), tokens and cost.
    /// </summary>
    private static string PlanAgainstActual(RunStore store)
    {
        var html = new StringBuilder("<h2>Plan against actual</h2>\n");
        if (store.Plans.LatestPlan() is not { } json)
            return html.Append("<p><em>No plan stored.</em> <code>lion plan</code> shows one; a run stores its plan when it starts.</p>\n").ToString();
        using var plan = System.Text.Json.JsonDocument.Parse(json);
        var actual = store.Plans.UsageByIteration().ToDictionary(u => (u.Iteration, u.Role));
        html.Append("<table><tr><th>iteration</th><th>role</th><th>requests planned</th><th>asked</th><th>tokens planned</th><th>used</th>")
            .Append("<th>cost planned</th><th>paid</th></tr>\n");
        foreach (var line in plan.RootElement.GetProperty("plan").EnumerateArray())
        {
            int iteration = line.GetProperty("iteration").GetInt32();
            string role = line.GetProperty("role").GetString()!;
            actual.TryGetValue((iteration, role), out var used);
            long plannedTokens = line.GetProperty("input_tokens").GetInt64() + line.GetProperty("output_tokens").GetInt64();
            string plannedCost = line.GetProperty("cost").ValueKind == System.Text.Json.JsonValueKind.Number
                ? line.GetProperty("cost").GetDouble().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "unknown";
            html.Append($"<tr><td>{iteration}</td><td>{Encode(role)}</td><td>{line.GetProperty("requests").GetInt64():N0}</td><td>{used.Requests:N0}</td>")
                .Append($"<td>{plannedTokens:N0}</td><td>{used.InputTokens + used.OutputTokens:N0}</td><td>{plannedCost}</td>")
                .Append($"<td>{used.Cost.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}</td></tr>\n");
        }
        html.Append("</table>\n<p>Planned tokens assume answers as long as max_tokens unless the run had measured them; asked requests include cache hits.</p>\n");
        return html.ToString();
    }

    /// <summary>What the plot of pools cannot show: a student that trains on the whole cache pool rather than X_A.</summary>
    private static string TrainsOn(RunStore store) =>
        Core.Config.RunConfigReader.Parse(store.Config().Json, $"{store.Folder} (stored config)").TrainOn == Core.Config.TrainingData.All
            ? " This run's student trains on the whole cache pool every iteration (train_on: all)."
            : "";

    /// <summary>Every `lion eval bbh` / `agieval` kept in the run: the model, the data, accuracy per task and averaged.</summary>
    private static string BenchmarkResults(RunStore store)
    {
        var results = store.Evaluations.BenchmarkResults();
        var html = new StringBuilder("<h2>Benchmark evaluations</h2>\n");
        if (results.Count == 0)
            return html.Append("<p><em>None yet.</em> <code>lion eval bbh|agieval --run DIR</code> keeps its results here.</p>\n").ToString();
        foreach (var r in results)
        {
            html.Append($"<p>#{r.Id}, {Encode(r.CreatedAt)}: {Encode(r.Benchmark)} of {Encode(r.Subject)} on {Encode(r.Data)}: ")
                .Append($"{r.Summary.GetProperty("average").GetDouble():P1} averaged over tasks, {r.Summary.GetProperty("overall").GetDouble():P1} of all items.</p>\n")
                .Append("<table><tr><th>task</th><th>items</th><th>correct</th><th>unanswered</th><th>accuracy</th></tr>\n");
            foreach (var t in r.Summary.GetProperty("tasks").EnumerateArray())
                html.Append($"<tr><td>{Encode(t.GetProperty("task").GetString()!)}</td><td>{t.GetProperty("items")}</td><td>{t.GetProperty("correct")}</td>")
                    .Append($"<td>{t.GetProperty("unanswered")}</td><td>{t.GetProperty("accuracy").GetDouble():P1}</td></tr>\n");
            html.Append("</table>\n");
        }
        return html.ToString();
    }

    /// <summary>Every `lion eval judge` kept in the run: what was compared, and the paper's figures per category.</summary>
    private static string Judgements(RunStore store)
    {
        var judgements = store.Evaluations.Judgements();
        var html = new StringBuilder("<h2>Pairwise judgements</h2>\n");
        if (judgements.Count == 0)
            return html.Append("<p><em>None yet.</em> <code>lion eval judge --run DIR</code> keeps its results here.</p>\n").ToString();
        foreach (var j in judgements)
        {
            html.Append($"<p>#{j.Id}, {Encode(j.CreatedAt)}: judge {Encode(j.JudgeModel)}; candidate {Encode(j.Candidate)} against reference {Encode(j.Reference)} ")
                .Append($"on {Encode(j.Questions)}.</p>\n<table><tr><th>category</th><th>judged</th><th>missing</th><th>relative score</th>")
                .Append("<th>win/tie/loss</th><th>order flips</th><th>length correlation</th></tr>\n");
            foreach (var c in j.Summary.GetProperty("categories").EnumerateArray())
            {
                string Number(string name, string format) =>
                    c.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Number ? c.GetProperty(name).GetDouble().ToString(format) : "–";
                html.Append($"<tr><td>{Encode(c.GetProperty("category").GetString()!)}</td><td>{c.GetProperty("judged")}</td><td>{c.GetProperty("missing")}</td>")
                    .Append($"<td>{Number("relative_score", "P1")}</td><td>{c.GetProperty("wins")}/{c.GetProperty("ties")}/{c.GetProperty("losses")}</td>")
                    .Append($"<td>{Number("flip_share", "P0")}</td><td>{Number("length_correlation", "0.00")}</td></tr>\n");
            }
            html.Append("</table>\n");
        }
        return html.ToString();
    }

    private static string Table(RunOverview overview)
    {
        bool sized = overview.Results.Any(r => r.BenchmarkSizedAccuracy is not null);
        var table = new StringBuilder("<table><tr><th>iteration</th><th>held-out</th>" + (sized ? "<th>benchmark-sized</th>" : "") +
                                      "<th>hard</th><th>easy</th><th>mean gap</th><th>order flips</th><th>kept</th></tr>\n");
        foreach (var r in overview.Results)
            table.Append($"<tr><td>{r.Iteration}</td><td>{(r.HeldOutAccuracy is { } a ? a.ToString("P1") : "–")}</td>")
                .Append(sized ? $"<td>{(r.BenchmarkSizedAccuracy is { } b ? b.ToString("P1") : "–")}</td>" : "")
                .Append($"<td>{r.Hard}</td><td>{r.Easy}</td>")
                .Append($"<td>{(r.MeanGap is { } g ? g.ToString("0.00") : "–")}</td><td>{(r.FlipRate is { } f ? f.ToString("P0") : "–")}</td><td>{r.Kept}</td></tr>\n");
        return table.Append("</table>\n").ToString();
    }

    private static string? HeldOut(RunStore store, Images images, TestSet set)
    {
        var evaluations = store.Evaluations.Scores(set);
        if (evaluations.Count == 0)
            return null;
        var plot = new Plot();
        foreach (var task in evaluations.GroupBy(e => e.Score.Task))
        {
            var line = plot.Add.Scatter(task.Select(e => (double)e.Iteration).ToArray(), task.Select(e => e.Score.Accuracy * 100).ToArray());
            line.LegendText = task.Key;
        }
        plot.Axes.SetLimitsY(0, 100);
        plot.XLabel("iteration");
        plot.YLabel(set == TestSet.HeldOut ? "held-out exact match (%)" : "benchmark-sized exact match (%)");
        WholeIterations(plot);
        plot.ShowLegend(Edge.Right);
        return Save(plot, images, set == TestSet.HeldOut ? "heldout.png" : "benchmark-sized.png");
    }

    private static string? Discrimination(RunOverview overview, Images images)
    {
        var judged = overview.Results.Where(r => r.MeanGap is not null).ToList();
        if (judged.Count == 0)
            return null;
        var plot = new Plot();
        var iterations = judged.Select(r => (double)r.Iteration).ToArray();
        var hard = plot.Add.Scatter(iterations, judged.Select(r => 100.0 * r.Hard / Math.Max(1, r.Hard + r.Easy)).ToArray());
        hard.LegendText = "hard share (%)";
        var gap = plot.Add.Scatter(iterations, judged.Select(r => r.MeanGap!.Value).ToArray());
        gap.LegendText = "mean gap (right axis)";
        gap.Axes.YAxis = plot.Axes.Right;
        plot.XLabel("iteration");
        WholeIterations(plot);
        plot.Axes.Left.Label.Text = "hard share (%)";
        plot.Axes.Right.Label.Text = "mean gap";
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, images, "discrimination.png");
    }

    private static string? Gaps(RunStore store, RunOverview overview, Images images)
    {
        var gaps = overview.Results.SelectMany(r => store.Loop.Verdicts(r.Iteration)).Select(v => v.Gap).ToList();
        if (gaps.Count == 0)
            return null;
        var plot = new Plot();
        var bins = Enumerable.Range(-9, 19).ToList();
        var bars = plot.Add.Bars(bins.Select(b => (double)b).ToArray(), bins.Select(b => (double)gaps.Count(g => Math.Round(g) == b)).ToArray());
        bars.Horizontal = false;
        plot.XLabel("gap (teacher − student)");
        plot.YLabel("pairs");
        return Save(plot, images, "gaps.png");
    }

    private static string? Pools(RunOverview overview, Images images)
    {
        if (overview.Pools.Count == 0)
            return null;
        var plot = new Plot();
        foreach (var pool in overview.Pools.GroupBy(p => p.Pool))
        {
            var line = plot.Add.Scatter(pool.Select(p => (double)p.Iteration).ToArray(), pool.Select(p => (double)p.Instructions).ToArray());
            line.LegendText = Vocabulary<Pool>.Word(pool.Key);
        }
        plot.XLabel("iteration");
        plot.YLabel("instructions");
        WholeIterations(plot);
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, images, "pools.png");
    }

    private static string? Rejections(RunOverview overview, Images images)
    {
        var reasons = overview.Results.SelectMany(r => r.RejectedByReason).GroupBy(r => r.Key).Select(g => (Reason: g.Key, Count: g.Sum(x => x.Value))).ToList();
        if (reasons.Count == 0)
            return null;
        var plot = new Plot();
        plot.Add.Bars(Enumerable.Range(0, reasons.Count).Select(i => (double)i).ToArray(), reasons.Select(r => (double)r.Count).ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, reasons.Count).Select(i => (double)i).ToArray(), reasons.Select(r => r.Reason).ToArray());
        plot.YLabel("candidates");
        return Save(plot, images, "rejections.png");
    }

    private static string? Usage(RunStore store, Images images)
    {
        var usage = store.Summary.UsageByRole();
        if (usage.Count == 0)
            return null;
        var plot = new Plot();
        var positions = Enumerable.Range(0, usage.Count).Select(i => (double)i).ToArray();
        var paid = plot.Add.Bars(positions.Select(p => p - 0.2).ToArray(), usage.Select(u => (double)u.Paid).ToArray());
        paid.LegendText = "paid";
        var cached = plot.Add.Bars(positions.Select(p => p + 0.2).ToArray(), usage.Select(u => (double)u.Cached).ToArray());
        cached.LegendText = "cache hits";
        plot.Axes.Bottom.SetTicks(positions, usage.Select(u => u.Role).ToArray());
        plot.YLabel("requests");
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, images, "usage.png");
    }

    private static void WholeIterations(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);

    private static string Save(Plot plot, Images images, string name)
    {
        plot.SavePng(Path.Combine(images.Folder, images.Prefix + name), Width, Height);
        return images.Prefix + name;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
