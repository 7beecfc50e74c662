using Lion.Core.Evaluation;
using Lion.Core.Novelty;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// Generation: new instructions from hard and easy seeds at the configured ratio, one seed per
/// generator call. Replies pass the reply filter, the exact-copy check (no pool instruction, no
/// held-out test item, whatever the novelty threshold) and then the novelty rule, against the
/// cache pool and every instruction kept before them in slot order. Every attempt is recorded with
/// what became of it. Then the pools move on: the kept instructions become the next train pool
/// and join the cache pool.
///
/// Work goes in batches of slots whose kinds are fixed by what the batch's start still needs,
/// and each slot's seed by (random seed, iteration, slot): a run resumed mid-batch asks for
/// exactly what an uninterrupted run would have, and the request cache answers what was paid for.
/// </summary>
internal static class GenerationStage
{
    public static async Task RunAsync(LoopContext context, int iteration, PromptSet prompts, CancellationToken cancellationToken)
    {
        var store = context.Store;
        var config = context.Config;
        store.StageStarted(iteration, LoopStage.Generation);

        var cache = store.PoolMembers(Pool.Cache, iteration);
        var byId = cache.ToDictionary(item => item.Id);
        var verdicts = store.Verdicts(iteration);
        var hard = verdicts.Where(v => v.Label == VerdictLabel.Hard).Select(v => v.InstructionId).Order().ToList();
        var easy = verdicts.Where(v => v.Label == VerdictLabel.Easy).Select(v => v.InstructionId).Order().ToList();
        if (config.Selection == Config.SeedSelection.Random)
        {
            // The ablation: the same number of seeds of each prompt kind, drawn without the verdicts.
            var everyone = cache.Select(item => item.Id).Order().ToList();
            (hard, easy) = (hard.Count > 0 ? everyone : [], easy.Count > 0 ? everyone : []);
        }
        var (wantHard, wantEasy) = Split(config.NewInstructionsPerIteration, config.HardEasyRatio, hard.Count > 0, easy.Count > 0);
        context.Report($"  generator: {wantHard} hard from {hard.Count} seeds, {wantEasy} easy from {easy.Count} seeds");

        var filter = new NoveltyFilter(cache.Select(LoopContext.Question), config.NoveltyThreshold);
        var taken = new TakenInstructions(cache.Select(LoopContext.Question), HeldOutQuestions(context));
        var attempts = store.Attempts(iteration);
        foreach (var kept in attempts.Where(a => a.Kept))
        {
            filter.Consider(kept.Candidate!);
            taken.Add(kept.Candidate!);
        }
        int keptHard = attempts.Count(a => a.Kept && a.Kind == GenerationKind.Hard);
        int keptEasy = attempts.Count(a => a.Kept && a.Kind == GenerationKind.Easy);
        int maxSlots = config.NewInstructionsPerIteration * config.GenerationAttemptsPerInstruction;
        var recorded = attempts.ToDictionary(a => a.Slot);

        // Batches start where the recorded attempts of whole batches end.
        int slot = 0, reportedKept = keptHard + keptEasy;
        // A batch generator takes a whole round of slots in one batch; a live one, the run's concurrency.
        int roundSize = config.ConcurrencyFor(config.Generator);
        var owed = new OwedItems(LoopStage.Generation, iteration, roundSize);
        while (slot < maxSlots && (keptHard < wantHard || keptEasy < wantEasy))
        {
            // A batch round waits for its batch: it asks for as many more as the replies so far say filling the quota takes.
            double overAsk = config.Generator.Batch && config.Batch.GenerationOverAsk ? AttemptsPerKept(recorded.Values, config.GenerationAttemptsPerInstruction) : 1;
            var kinds = BatchKinds((int)Math.Ceiling((wantHard - CountUpTo(recorded, slot, GenerationKind.Hard)) * overAsk),
                (int)Math.Ceiling((wantEasy - CountUpTo(recorded, slot, GenerationKind.Easy)) * overAsk),
                Math.Min(roundSize, maxSlots - slot));
            var slots = kinds.Select((kind, i) => (Slot: slot + i, Kind: kind)).ToList();
            var replies = new Dictionary<int, (string Raw, ChatFinishReason? Finish, long Seed)>();
            var requests = slots.Where(s => !recorded.ContainsKey(s.Slot)).ToList();
            await owed.ForEach(context, requests, async (s, token) =>
            {
                var seeds = s.Kind == GenerationKind.Hard ? hard : easy;
                long seedId = seeds[new Random((int)(StableSeed(config.RandomSeed, iteration, s.Slot) % int.MaxValue)).Next(seeds.Count)];
                string seedText = LoopContext.Question(byId[seedId]);
                int words = seedText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
                int? maxTokens = config.Generator.MaxTokensPerSeedWord > 0 ? Math.Max(16, config.Generator.MaxTokensPerSeedWord * words) : null;
                var options = LoopContext.Options(config.Generator, maxTokens, seed: StableSeed(config.RandomSeed, iteration, s.Slot));
                (string, ChatFinishReason?, long) reply;
                try
                {
                    var response = await context.Generator.GetResponseAsync(prompts.Generator(seedText, s.Kind), options, token);
                    reply = (response.Text, response.FinishReason, seedId);
                }
                catch (Gateway.RemoteRequestException error) when (ItemOutcome.IsRefusal(error))
                {
                    reply = (error.Message, ItemOutcome.FinishOf(error), seedId);
                }
                catch (Gateway.RemoteRequestException error) when (!error.StopsTheRun)
                {
                    owed.Failed(error);
                    return;
                }
                owed.Succeeded();
                lock (replies)
                    replies[s.Slot] = reply;
            }, cancellationToken);

            foreach (var (s, kind) in slots)
            {
                if (recorded.ContainsKey(s))
                    continue;
                // Slots are decided in order, as an uninterrupted run decides them: after a slot
                // still owed, the replies that came (kept in the request cache) wait for the rerun.
                if (!replies.TryGetValue(s, out var reply))
                    break;
                var (raw, finish, seedId) = reply;
                var attempt = Decide(filter, taken, s, seedId, kind, raw, finish);
                if (attempt.Kept && (kind == GenerationKind.Hard ? keptHard >= wantHard : keptEasy >= wantEasy))
                    attempt = attempt with { Kept = false, RejectReason = "quota_filled" };
                attempt = store.SaveAttempt(iteration, attempt);
                recorded[s] = attempt;
                if (attempt.Kept)
                {
                    if (kind == GenerationKind.Hard) keptHard++; else keptEasy++;
                }
            }
            int before = slot;
            slot += slots.Count;
            if (context.Progress is { } live)
                live("new instructions kept", keptHard + keptEasy, wantHard + wantEasy);
            else if (Tenth(reportedKept, keptHard + keptEasy, wantHard + wantEasy) || Tenth(before, slot, maxSlots))
            {
                // A line per tenth of the quota or of the attempts allowed, not per batch.
                context.Report($"  generator: {keptHard + keptEasy}/{wantHard + wantEasy} kept after {slot} attempts");
                reportedKept = keptHard + keptEasy;
            }
            owed.ThrowIfAny();
        }
        if (keptHard + keptEasy == 0 && wantHard + wantEasy > 0)
        {
            var reasons = store.Attempts(iteration).GroupBy(a => a.RejectReason ?? "").OrderByDescending(g => g.Count()).ToList();
            throw new NothingUsableException(iteration, LoopStage.Generation,
                $"no new instruction kept from {reasons.Sum(g => g.Count())} generator replies " +
                $"(rejected: {string.Join(", ", reasons.Select(g => $"{g.Key} {g.Count()}"))})");
        }
        store.AdvancePools(iteration);
        store.StageDone(iteration, LoopStage.Generation);
    }

    /// <summary>Whether going from <paramref name="from"/> to <paramref name="to"/> crosses a tenth of <paramref name="total"/>.</summary>
    private static bool Tenth(int from, int to, int total) => total > 0 && to * 10L / total > from * 10L / total;

    private static GenerationAttempt Decide(NoveltyFilter filter, TakenInstructions taken, int slot, long seedId, GenerationKind kind, string raw, ChatFinishReason? finish)
    {
        var (candidate, reason, unwrapped) = ItemOutcome.IsRefused(finish)
            ? (null, ItemOutcome.WordOf(finish!.Value), false)
            : GeneratorReplyFilter.CheckUnwrapped(raw, finish);
        if (candidate is not null)
            reason = taken.Reason(candidate);
        if (candidate is null || reason is not null)
            return new GenerationAttempt(slot, seedId, kind, raw, candidate, finish, false, reason, null, null, unwrapped);
        var decision = filter.Consider(candidate);
        if (decision.Kept)
            taken.Add(candidate);
        return new GenerationAttempt(slot, seedId, kind, raw, candidate, finish, decision.Kept,
            decision.Kept ? null : "not_novel", null, decision.MaxScore, unwrapped);
    }

    /// <summary>
    /// The inputs of the run's test sets, which no generated instruction may copy: a test item
    /// the student trained on would no longer measure it.
    /// </summary>
    private static IEnumerable<string> HeldOutQuestions(LoopContext context) =>
        Config.ConfigReferences.TestSetFolders(context.Config, context.Store.Folder)
            .Where(set => Directory.Exists(set.Folder))
            .SelectMany(set => BbhEvaluation.Files(set.Folder).SelectMany(file => BbhFile.Read(file).Select(example => example.Input)));

    /// <summary>Generator replies per instruction kept so far in the iteration (1 before any), at most the attempts allowed.</summary>
    private static double AttemptsPerKept(IEnumerable<GenerationAttempt> recorded, int maxAttempts)
    {
        var attempts = recorded.ToList();
        int kept = attempts.Count(a => a.Kept);
        return attempts.Count == 0 ? 1 : Math.Clamp((double)attempts.Count / Math.Max(1, kept), 1, maxAttempts);
    }

    /// <summary>N split at the ratio; all of it to the other kind when one kind has no seeds.</summary>
    internal static (int Hard, int Easy) Split(int total, Config.HardEasyRatio ratio, bool haveHard, bool haveEasy)
    {
        if (!haveHard && !haveEasy) return (0, 0);
        if (!haveHard) return (0, total);
        if (!haveEasy) return (total, 0);
        int hardShare = (int)Math.Round((double)total * ratio.Hard / (ratio.Hard + ratio.Easy));
        return (hardShare, total - hardShare);
    }

    /// <summary>A batch's kinds: what is still needed, interleaved in proportion, at most <paramref name="size"/>.</summary>
    private static List<GenerationKind> BatchKinds(int needHard, int needEasy, int size)
    {
        needHard = Math.Max(0, needHard);
        needEasy = Math.Max(0, needEasy);
        var kinds = new List<GenerationKind>();
        int hard = 0, easy = 0;
        while (kinds.Count < size && (hard < needHard || easy < needEasy))
        {
            bool takeHard = easy >= needEasy || hard < needHard && hard * (long)needEasy <= easy * (long)needHard;
            kinds.Add(takeHard ? GenerationKind.Hard : GenerationKind.Easy);
            if (takeHard) hard++; else easy++;
        }
        return kinds;
    }

    private static int CountUpTo(Dictionary<int, GenerationAttempt> recorded, int slot, GenerationKind kind) =>
        recorded.Values.Count(a => a.Slot < slot && a.Kept && a.Kind == kind);

    /// <summary>A seed fixed by the run's random seed, the iteration and the slot, the same in every process.</summary>
    private static long StableSeed(int randomSeed, int iteration, int slot) =>
        Math.Abs(((long)randomSeed * 1_000_003 + iteration) * 1_000_003 + slot);
}
