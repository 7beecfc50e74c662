using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Gateway;
using Lion.Core.Loop;
using Lion.Core.Novelty;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Planning;

/// <summary>
/// Plans a run from its config and seeds, before any request. The schedule fixes most counts:
/// the teacher answers each distinct instruction once (the seeds in iteration 1, each
/// iteration's new instructions after it); the referee reviews every cache-pool pair twice each
/// iteration (the cache pool grows by the new instructions); the generator is asked until the
/// iteration's new instructions are kept. Token counts use the model's tokenizer where known
/// (tiktoken for OpenAI models, about four characters a token otherwise). Where the schedule
/// does not decide, the plan assumes, and says so: answers as long as max_tokens (or the run's
/// measured mean), referee replies parsed at the first ask, and generator requests per kept
/// instruction as the seeds themselves would fare against the reply filter and the novelty rule
/// (new instructions are made like them), unless the run has measured it.
/// </summary>
public static class RunPlanner
{
    /// <summary>The output tokens a plan assumes for a role that sends no max_tokens.</summary>
    public const int UnsentMaxTokens = 1024;

    public static RunPlan Plan(RunConfig config, IReadOnlyList<InstructionRecord> seeds, PlanHistory? history = null)
    {
        var prompts = new PromptSet(config.Prompts);
        var assumptions = new List<string> { $"student: {config.Student.Describe()}" };
        var questions = seeds.Select(s => StudentPrompt.Question(s.Instruction, s.Input)).Distinct().ToList();
        if (questions.Count == 0)
            throw new BadInputException("there are no seed instructions to plan from");
        int seedCount = questions.Count;
        int fresh = config.NewInstructionsPerIteration;

        double AnswerTokens(Role role, RoleSettings settings, int cap)
        {
            if (history?.MeanOutputTokens.GetValueOrDefault(role.Name) is { } measured and > 0)
            {
                assumptions.Add($"{role} answers: {measured:0} tokens on average, as this run has measured");
                return measured;
            }
            assumptions.Add(settings.MaxTokens is null && settings.MaxTokensPerSeedWord == 0
                ? $"{role} answers: {cap} tokens each, assumed: the {role} sends no max_tokens"
                : $"{role} answers: {cap} tokens each, the {role}'s max_tokens{(cap < settings.MaxTokens ? " for a seed's words" : "")} (an upper bound)");
            return cap;
        }

        var teacher = new TokenEstimator(config.Teacher.Model);
        double question = questions.Average(q => (double)teacher.Count(q));
        double teacherOut = AnswerTokens(Role.Teacher, config.Teacher, config.Teacher.MaxTokens ?? UnsentMaxTokens);
        double refereeOut = AnswerTokens(Role.Referee, config.Referee, config.Referee.MaxTokens ?? UnsentMaxTokens);
        double seedWords = questions.Average(q => (double)q.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        int generatorCap = config.Generator.MaxTokensPerSeedWord > 0
            ? (int)Math.Max(16, config.Generator.MaxTokensPerSeedWord * seedWords) : config.Generator.MaxTokens ?? UnsentMaxTokens;
        double generatorOut = AnswerTokens(Role.Generator, config.Generator, generatorCap);

        double refereeAsks = history?.RefereeRequestsPerReview ?? 1;
        assumptions.Add(history?.RefereeRequestsPerReview is { } asks
            ? $"referee: {asks:0.00} requests a review, as this run has measured"
            : "referee: every reply parses at the first ask (re-asks, up to referee_retries, add to this)");
        double perKept = history?.GeneratorRequestsPerKept
            ?? SeedAcceptance(seeds.Select(s => StudentPrompt.Question(s.Instruction, s.Input)).ToList(), config);
        perKept = Math.Min(perKept, config.GenerationAttemptsPerInstruction);
        if (history?.GeneratorRequestsPerKept is null)
            assumptions.Add($"generator: {perKept:0.00} requests a kept instruction, as the seeds themselves fare against the reply filter and the novelty rule" +
                            (config.Selection == SeedSelection.Adversarial ? ", the hard requests from the seeds that fare worst" : ""));
        else
            assumptions.Add($"generator: {perKept:0.00} requests a kept instruction, as this run has measured");
        assumptions.Add($"new instructions as long as the seeds: {question:0} tokens on average");

        // Each request's framing (roles, templates) counted once, its question added.
        var teacherFrame = teacher.CountPrompt([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "")]);
        var refereeFrame = new TokenEstimator(config.Referee.Model).CountPrompt(prompts.Referee("", "", ""));
        var generatorFrame = new TokenEstimator(config.Generator.Model).CountPrompt(prompts.Generator("", GenerationKind.Hard));
        var lines = new List<PlanLine>();
        int done = Math.Min(history?.IterationsDone ?? 0, config.Iterations);
        if (done > 0)
            assumptions.Add(done == config.Iterations
                ? $"all {done} iterations are done: nothing is left to ask"
                : $"iterations 1–{done} are done: only the {config.Iterations - done} left are planned");
        for (int iteration = done + 1; iteration <= config.Iterations; iteration++)
        {
            long cache = seedCount + (long)fresh * (iteration - 1);
            long answered = iteration == 1 ? seedCount : fresh;
            long reviews = (long)Math.Round(2 * cache * refereeAsks);
            long generated = (long)Math.Round(fresh * perKept);
            lines.Add(Line(config, iteration, Role.Teacher, config.Teacher, answered, teacherFrame + question, teacherOut));
            lines.Add(Line(config, iteration, Role.Referee, config.Referee, reviews, refereeFrame + question + 2 * teacherOut, refereeOut));
            lines.Add(Line(config, iteration, Role.Generator, config.Generator, generated, generatorFrame + question, generatorOut));
        }

        var paid = lines.Where(l => !config.Settings(l.Role).IsOracle).ToList();
        var batchRoles = paid.Select(l => l.Role).Distinct().Where(role => config.Settings(role).Batch).ToList();
        // A batch role's time is the provider's completion window, not its rate limits.
        paid = paid.Where(l => !config.Settings(l.Role).Batch).ToList();
        // The stages run one after another, so each role's time at its own limits adds up.
        double wall = paid.GroupBy(l => l.Role).Sum(role => config.LimitsFor(config.Settings(role.Key)) is { } limits
            ? Math.Max(role.Sum(l => l.Requests) / (double)limits.RequestsPerMinute,
                role.Sum(l => l.InputTokens + l.OutputTokens) / (double)limits.TokensPerMinute)
            : 0);
        if (batchRoles.Count > 0)
            assumptions.Add($"{string.Join(", ", batchRoles)} through the Batch API at the batch price; their time is the provider's " +
                            $"completion window ({config.Batch.CompletionWindow}) per round, not counted in the wall time");
        if (paid.Count > 0)
            assumptions.Add("wall time: the rate limits alone (" + string.Join("; ", paid.Select(l => l.Role).Distinct().Select(role =>
                config.LimitsFor(config.Settings(role)) is { } limits
                    ? $"{role} {limits.RequestsPerMinute} requests and {limits.TokensPerMinute} tokens a minute"
                    : $"{role} unpaced on this machine")) + "), not the endpoint's latency or the student's training");
        return new RunPlan(lines, wall, config.UnpricedModels().Select(u => u.Model).Distinct().ToList(), assumptions) { Student = config.Student };
    }

    private static PlanLine Line(RunConfig config, int iteration, Role role, RoleSettings settings, long requests, double input, double output)
    {
        long inputTokens = (long)Math.Round(requests * input), outputTokens = (long)Math.Round(requests * output);
        // A batch role pays the batch price: the one given, else the live one times the discount.
        double? cost = settings.IsOracle ? 0
            : config.Prices.TryGetValue(settings.Model, out var price)
                ? settings.Batch
                    ? RunGateway.Price(price, config.Batch.Discount).Batch!.Cost(inputTokens, outputTokens)
                    : (inputTokens * price.InputPerMillion + outputTokens * price.OutputPerMillion) / 1_000_000
                : null;
        return new PlanLine(iteration, role, settings.Model, requests, inputTokens, outputTokens, cost);
    }

    /// <summary>
    /// Requests a kept instruction if new instructions fare as the seeds do. A new instruction is
    /// made like a seed and judged against the whole pool, so each seed is judged against the other
    /// seeds: the reply filter, then the novelty rule against every other distinct seed (a sample of
    /// them against the rest, for a large file). Exact copies are counted as the file has them: a
    /// generator drawing from a small space repeats itself as a seed file does.
    /// </summary>
    private static double SeedAcceptance(IReadOnlyList<string> records, RunConfig config)
    {
        const int Sample = 400;
        var distinct = records.Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        double unique = distinct.Count / (double)records.Count;
        int step = Math.Max(1, distinct.Count / Sample);
        var sample = Enumerable.Range(0, distinct.Count).Where(i => i % step == 0).Take(Sample).ToHashSet();
        // A large file: one filter over the seeds outside the sample, which also remembers the
        // sample's kept ones; a small one: each seed against every other.
        var shared = step == 1 ? null : new NoveltyFilter(distinct.Where((_, i) => !sample.Contains(i)), config.NoveltyThreshold);
        var kept = new List<bool>();
        foreach (int i in sample)
        {
            var filter = shared ?? new NoveltyFilter(distinct.Where((_, j) => j != i), config.NoveltyThreshold);
            kept.Add(GeneratorReplyFilter.Check(distinct[i], ChatFinishReason.Stop).Candidate is not null && filter.Consider(distinct[i]).Kept);
        }
        int cap = config.GenerationAttemptsPerInstruction;
        double PerKept(double share) => share <= 0 ? cap : Math.Min(cap, 1 / share);
        if (config.Selection == SeedSelection.Random)
            return PerKept(unique * kept.Count(k => k) / kept.Count);
        // Adversarial selection sends the hard requests to the student's failures, and those are
        // the items a generator varies least often (long templates, near-copies): the plan takes the
        // hard part of the requests from the seeds that fare worst and the easy part from the rest.
        // A budget errs high.
        double hardShare = config.HardEasyRatio.Hard / (double)(config.HardEasyRatio.Hard + config.HardEasyRatio.Easy);
        int hardSeeds = (int)Math.Round(kept.Count * hardShare);
        var worstFirst = kept.Order().ToList();
        double Share(IEnumerable<bool> seeds) => seeds.Any() ? unique * seeds.Average(k => k ? 1.0 : 0.0) : 1;
        return hardShare * PerKept(Share(worstFirst.Take(hardSeeds))) + (1 - hardShare) * PerKept(Share(worstFirst.Skip(hardSeeds)));
    }
}
