using System.Net;
using System.Text;
using Lion.Core;
using Lion.Core.Prompts;
using Lion.Core.Store;

namespace Lion.Cli.Report;

/// <summary>
/// What the loop found, in the instructions themselves: per iteration the pairs the referee judged
/// hardest (largest gap) and a sample of easy ones, each with both answers and both reviews folded
/// under it; the hard share per task family where the oracle knows the family; and the generated
/// instructions with the seed and kind they came from.
/// </summary>
internal static class RefereeFindings
{
    private const int Hardest = 5, EasySample = 3, GeneratedSample = 6;

    public static string Html(RunStore store, IReadOnlyList<int> iterations)
    {
        var html = new StringBuilder("<h2>What the referee found</h2>\n");
        if (iterations.Count == 0)
            return html.Append("<p><em>Nothing judged yet.</em></p>\n").ToString();
        var teacher = store.Loop.TeacherAnswers();
        var shares = new SortedDictionary<string, SortedDictionary<int, (int Hard, int All)>>(StringComparer.Ordinal);
        foreach (int iteration in iterations)
        {
            var items = store.Loop.PoolMembers(Pool.Cache, iteration).ToDictionary(i => i.Id);
            var student = store.Loop.StudentAnswers(iteration);
            var reviews = store.Loop.Reviews(iteration).Where(r => r.ParseError is null).ToLookup(r => r.InstructionId);
            var verdicts = store.Loop.Verdicts(iteration);
            foreach (var verdict in verdicts.Where(v => items.ContainsKey(v.InstructionId)))
            {
                var family = shares.TryGetValue(Family(items[verdict.InstructionId]), out var known) ? known
                    : shares[Family(items[verdict.InstructionId])] = new();
                var (hard, all) = family.GetValueOrDefault(iteration);
                family[iteration] = (hard + (verdict.Label == VerdictLabel.Hard ? 1 : 0), all + 1);
            }

            html.Append($"<h3>Iteration {iteration}</h3>\n<p>The hardest pairs (largest teacher − student gap, one a family first), then easy ones.</p>\n");
            var judged = verdicts.Where(v => items.ContainsKey(v.InstructionId)).ToList();
            var shown = Spread(judged.OrderByDescending(v => v.Gap).ThenBy(v => v.InstructionId), items).Take(Hardest)
                .Concat(Spread(judged.Where(v => v.Label == VerdictLabel.Easy).OrderBy(v => v.Gap).ThenBy(v => v.InstructionId), items).Take(EasySample));
            bool first = true;
            foreach (var verdict in shown)
            {
                var item = items[verdict.InstructionId];
                html.Append(first ? "<details open><summary>" : "<details><summary>");
                first = false;
                html.Append("")
                    .Append($"<strong>{Word(verdict.Label)}</strong> gap {verdict.Gap:0.#} (teacher {verdict.TeacherScore:0.#}, student {verdict.StudentScore:0.#})")
                    .Append($" <em>{Encode(Family(item))}</em>: {Encode(Short(StudentPrompt.Question(item.Instruction, item.Input), 160))}</summary>\n")
                    .Append($"<p><b>Teacher</b></p><pre>{Encode(Short(teacher.GetValueOrDefault(item.Id)?.Text ?? "", 2000))}</pre>\n")
                    .Append($"<p><b>Student</b></p><pre>{Encode(Short(student.GetValueOrDefault(item.Id) ?? "", 2000))}</pre>\n");
                foreach (var review in reviews[item.Id].OrderBy(r => r.TeacherFirst ? 0 : 1))
                    html.Append($"<p><b>Review, teacher's answer {(review.TeacherFirst ? "first" : "second")}</b>: teacher {review.TeacherScore:0.#}, ")
                        .Append($"student {review.StudentScore:0.#}</p><pre>{Encode(Short(review.Raw, 2000))}</pre>\n");
                html.Append("</details>\n");
            }
            html.Append(Generated(store, iteration, items));
        }
        return html.Append(HardShare(shares, iterations)).ToString();
    }

    /// <summary>A sample of the instructions an iteration's generator kept, with the seed and the kind of prompt they came from.</summary>
    private static string Generated(RunStore store, int iteration, Dictionary<long, PoolItem> items)
    {
        var kept = store.Loop.Attempts(iteration).Where(a => a.Kept).ToList();
        if (kept.Count == 0)
            return "";
        var html = new StringBuilder($"<p>Generated: {kept.Count} kept. A sample, with their seeds:</p>\n<table>" +
                                     "<tr><th>kind</th><th style=\"text-align:left\">seed</th><th style=\"text-align:left\">new instruction</th></tr>\n");
        foreach (var attempt in kept.GroupBy(a => a.Kind).SelectMany(g => g.Take(GeneratedSample / 2)))
        {
            string seed = items.TryGetValue(attempt.SeedInstructionId, out var from) ? StudentPrompt.Question(from.Instruction, from.Input) : "";
            html.Append($"<tr><td>{Lion.Core.Vocabulary<GenerationKind>.Word(attempt.Kind)}</td><td style=\"text-align:left\">{Encode(Short(seed, 160))}</td>")
                .Append($"<td style=\"text-align:left\">{Encode(Short(attempt.Candidate ?? "", 160))}</td></tr>\n");
        }
        return html.Append("</table>\n").ToString();
    }

    private static string HardShare(SortedDictionary<string, SortedDictionary<int, (int Hard, int All)>> shares, IReadOnlyList<int> iterations)
    {
        var html = new StringBuilder("<h3>Hard share by task family</h3>\n<table><tr><th style=\"text-align:left\">family</th>");
        foreach (int iteration in iterations)
            html.Append($"<th>iteration {iteration}</th>");
        html.Append("</tr>\n");
        // Every family the oracle recognises that had verdicts, then "other" (whatever none recognises), always shown.
        var rows = shares.Where(s => s.Key != Other)
            .Append(new(Other, shares.GetValueOrDefault(Other) ?? new SortedDictionary<int, (int Hard, int All)>()));
        foreach (var (family, byIteration) in rows)
        {
            html.Append($"<tr><td style=\"text-align:left\">{Encode(family)}</td>");
            foreach (int iteration in iterations)
                html.Append(byIteration.TryGetValue(iteration, out var share) && share.All > 0
                    ? $"<td>{share.Hard / (double)share.All:P0} of {share.All}</td>" : "<td>–</td>");
            html.Append("</tr>\n");
        }
        return html.Append($"</table>\n<p>Families as the oracle recognises them; other instructions count as \"{Other}\".</p>\n").ToString();
    }

    /// <summary>The verdicts in their order, but the first of each family before any family's second.</summary>
    private static IEnumerable<Verdict> Spread(IEnumerable<Verdict> ordered, Dictionary<long, PoolItem> items) =>
        ordered.Select((verdict, rank) => (verdict, rank)).GroupBy(v => Family(items[v.verdict.InstructionId]))
            .SelectMany(family => family.Select((v, nth) => (v.verdict, v.rank, nth)))
            .OrderBy(v => v.nth).ThenBy(v => v.rank).Select(v => v.verdict);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PoolItem, string> Families = new();

    /// <summary>The row of instructions no oracle family recognises: a real teacher's instructions mostly.</summary>
    private const string Other = "other";

    /// <summary>The oracle family an item belongs to ("other" when none recognises it), worked out once per item.</summary>
    private static string Family(PoolItem item) => Families.GetValue(item, known =>
    {
        string question = StudentPrompt.Question(known.Instruction, known.Input);
        return Oracle.Oracle.Families.FirstOrDefault(f => f.Recognises(question))?.Name ?? Other;
    });

    private static string Word(VerdictLabel label) => Lion.Core.Vocabulary<VerdictLabel>.Word(label);

    private static string Short(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
