using System.CommandLine;
using System.Text.Json;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Evaluation;
using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Commands;

/// <summary>
/// `lion eval judge`: a strong model's pairwise verdict of a candidate's answers against a
/// reference's, both orders, through the run's gateway (cached, rate-limited, resumable,
/// accounted), summarised per category and kept in the run's store for its report.
/// </summary>
internal static class JudgeCommand
{
    public static Command Create()
    {
        var questions = new Option<string>("--questions")
        {
            Description = "Questions: Vicuna-80 / MT-bench JSON Lines ({question_id, category, turns}) or Alpaca JSON/JSONL.",
            HelpName = "FILE",
            Required = true,
        };
        var candidate = new Option<string>("--candidate")
        {
            Description = "The candidate's answers: `lion generate` output, FastChat or Vicuna answer JSONL, or Alpaca JSON with outputs.",
            HelpName = "FILE",
            Required = true,
        };
        var reference = new Option<string>("--reference") { Description = "The reference model's answers, in the same formats.", HelpName = "FILE", Required = true };
        var run = new Option<string?>("--run")
        {
            Description = "The run whose gateway, cache, ledger and referee the judge uses, and where the result is kept (made if missing). " +
                          "Without it, the judge is --endpoint and --model, nothing is kept and no run is made or changed.",
            HelpName = "DIR",
        };
        var endpoint = new Option<string?>("--endpoint") { Description = "The judge's endpoint (base URL with /v1, or \"oracle\"); default: the run's referee.", HelpName = "URL" };
        var model = new Option<string?>("--model") { Description = "The judge model; default: the run's referee model.", HelpName = "NAME" };
        var keyVariable = new Option<string?>("--api-key-env") { Description = "The judge's API key variable; default: the run's referee's.", HelpName = "VAR" };
        var attempts = new Option<int>("--max-attempts") { Description = "Asks per order when the reply has no score lines.", DefaultValueFactory = _ => 3 };
        var verdicts = new Option<string?>("--verdicts") { Description = "Write every verdict, missing ones with why, as JSON Lines.", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print only the JSON result." };

        var command = new Command("judge",
            "Pairwise judge: both answers scored 1–10 in both orders; relative score, wins/ties/losses, order flips, length correlation, per category.")
        {
            questions, candidate, reference, run, endpoint, model, keyVariable, attempts, verdicts, json,
        };
        command.SetAction(async (parse, cancellation) => await CommandBody.RunAsync(parse, async output =>
        {
            if (parse.GetValue(attempts) < 1)
                throw new BadInputException("--max-attempts must be at least 1");
            var asked = JudgeQuestionFile.Read(parse.GetValue(questions)!);
            var candidates = JudgeAnswerFile.Read(parse.GetValue(candidate)!);
            var references = JudgeAnswerFile.Read(parse.GetValue(reference)!);
            // The questions both files answer are judged; the rest are counted and named, never silently left out.
            var pairs = asked.Select(q => (Question: q, Candidate: candidates.Find(q), Reference: references.Find(q)))
                .Where(p => p.Candidate is not null && p.Reference is not null)
                .Select(p => (p.Question, Candidate: p.Candidate!, Reference: p.Reference!)).ToList();
            if (pairs.Count == 0)
                throw new BadInputException($"{parse.GetValue(candidate)} and {parse.GetValue(reference)} answer none of the same questions of {parse.GetValue(questions)}");
            var uncovered = asked.Where(q => candidates.Find(q) is null || references.Find(q) is null)
                .Select(q => new { question_id = q.Id, candidate = candidates.Find(q) is not null, reference = references.Find(q) is not null }).ToList();
            if (uncovered.Count > 0 && !parse.GetValue(json))
                output.WriteLine($"Coverage: {pairs.Count} of {asked.Count} questions are answered in both files and judged; " +
                                 $"{uncovered.Count(u => !u.candidate)} lack a candidate answer, {uncovered.Count(u => !u.reference)} a reference answer.");

            var (store, config, handle) = EvaluationRun.Open(parse.GetValue(run), output, parse.GetValue(json), "lion eval judge");
            using var disposeHandle = handle;
            using var disposeStore = store;
            var role = config.Referee with
            {
                Endpoint = parse.GetValue(endpoint) ?? config.Referee.Endpoint,
                Model = parse.GetValue(model) ?? config.Referee.Model,
                ApiKeyEnv = parse.GetValue(keyVariable) ?? config.Referee.ApiKeyEnv,
            };
            if (!role.IsOracle && !Uri.TryCreate(role.Endpoint, UriKind.Absolute, out _))
                throw new BadInputException($"--endpoint {role.Endpoint}: not an absolute URL or \"oracle\"");
            var client = CommandLineHost.Gateway(store, config, new Dictionary<Role, RoleSettings> { [Role.Judge] = role }).For(Role.Judge);
            var judge = new PairwiseJudge(new Referee(client, new PromptSet(config.Prompts),
                new ChatOptions { ModelId = role.Model, Temperature = (float?)role.Temperature, MaxOutputTokens = role.MaxTokens }, parse.GetValue(attempts)));

            var results = new JudgeVerdict[pairs.Count];
            try
            {
                await Parallel.ForAsync(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = config.Concurrency, CancellationToken = cancellation },
                    async (i, token) => results[i] = await judge.JudgeAsync(pairs[i].Question, pairs[i].Candidate, pairs[i].Reference, token));
            }
            catch (RemoteRequestException stop) when (stop.StopsTheRun)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: the judge cannot be reached: {stop.Message}");
                return ExitCode.RemoteError;
            }
            catch (BudgetExceededException budget)
            {
                parse.InvocationConfiguration.Error.WriteLine($"Stopped at the run's budget: {budget.Message}. Every verdict paid for is cached: the same command continues.");
                return ExitCode.RemoteError;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                parse.InvocationConfiguration.Error.WriteLine("Stopped. Every verdict received is cached: the same command continues.");
                return ExitCode.Cancelled;
            }

            var summaries = new[] { JudgeSummary.Of("all", results) }
                .Concat(results.GroupBy(r => r.Question.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => JudgeSummary.Of(g.Key, g.ToList())))
                .ToList();
            string summaryJson = JsonSerializer.Serialize(new
            {
                judge = role.Model,
                questions = asked.Count,
                coverage = new { judged_questions = pairs.Count, without_candidate = uncovered.Count(u => !u.candidate), without_reference = uncovered.Count(u => !u.reference),
                                 uncovered = uncovered.Select(u => u.question_id) },
                categories = summaries.Select(Json),
                missing = results.Where(r => !r.Complete).Select(r => new { question_id = r.Question.Id, reasons = r.Missing }),
            });
            store.Evaluations.SaveJudgement(Path.GetFullPath(parse.GetValue(questions)!), Path.GetFullPath(parse.GetValue(candidate)!),
                Path.GetFullPath(parse.GetValue(reference)!), role.Model, summaryJson);
            if (parse.GetValue(verdicts) is { } path)
                File.WriteAllLines(path, results.Select(VerdictLine));
            if (!parse.GetValue(json))
                PrintTable(output, summaries, results);
            output.WriteLine(summaryJson);
            return ExitCode.Success;
        }));
        return command;
    }

    private static object Json(JudgeSummary s) => new
    {
        category = s.Category,
        questions = s.Questions,
        judged = s.Judged,
        missing = s.Missing,
        relative_score = s.RelativeScore is { } r ? Math.Round(r, 4) : (double?)null,
        candidate_total = s.CandidateTotal,
        reference_total = s.ReferenceTotal,
        wins = s.Wins,
        ties = s.Ties,
        losses = s.Losses,
        flip_share = Math.Round(s.FlipShare, 4),
        length_correlation = s.LengthCorrelation is { } c ? Math.Round(c, 4) : (double?)null,
    };

    private static string VerdictLine(JudgeVerdict v) => JsonSerializer.Serialize(new
    {
        question_id = v.Question.Id,
        category = v.Question.Category,
        candidate_first = v.CandidateFirst is { } a ? new { candidate = a.Candidate, reference = a.Reference } : null,
        reference_first = v.ReferenceFirst is { } b ? new { candidate = b.Candidate, reference = b.Reference } : null,
        candidate_length = v.CandidateLength,
        reference_length = v.ReferenceLength,
        missing = v.Missing,
    });

    private static void PrintTable(TextWriter output, List<JudgeSummary> summaries, JudgeVerdict[] results)
    {
        output.WriteLine($"{"category",-20} {"questions",9} {"judged",7} {"missing",8} {"relative",9} {"win/tie/loss",13} {"flips",7} {"len corr",9}");
        foreach (var s in summaries)
            output.WriteLine($"{s.Category,-20} {s.Questions,9} {s.Judged,7} {s.Missing,8} {(s.RelativeScore is { } r ? r.ToString("P1") : "-"),9} "
                             + $"{$"{s.Wins}/{s.Ties}/{s.Losses}",13} {s.FlipShare,7:P0} {(s.LengthCorrelation is { } c ? c.ToString("F2") : "-"),9}");
        foreach (var missing in results.Where(r => !r.Complete))
            output.WriteLine($"missing verdict, question {missing.Question.Id}: {string.Join("; ", missing.Missing)}");
    }
}
