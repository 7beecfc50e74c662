using Lion.Core.Evaluation;
using Lion.Core.Gateway;
using Lion.Core.Novelty;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// Generation: new instructions from hard and easy seeds at the configured ratio, one seed per
/// generator call. Every attempt is recorded with what became of it; then the pools move on: the
/// kept instructions become the next train pool and join the cache pool.
///
/// Scheduling is kept apart from deciding. Each slot's kind is fixed in advance
/// (<see cref="GenerationSlots"/>) and its seed by (random seed, iteration, slot); requests go out
/// in rounds of the run's concurrency (a batch generator: one batch a round), at most what each kind
/// still needs; <see cref="GenerationDecisions"/> decides the replies in slot order. So the same
/// config keeps the same instructions at any concurrency, live or batched, and a resumed run asks
/// for exactly what an uninterrupted one would have, the request cache answering what was paid for.
/// </summary>
internal static class GenerationStage
{
    public static async Task RunAsync(LoopContext context, int iteration, PromptSet prompts, CancellationToken cancellationToken)
    {
        var store = context.Store;
        var config = context.Config;
        context.Started(iteration, LoopStage.Generation);

        var cache = store.Loop.PoolMembers(Pool.Cache, iteration);
        var byId = cache.ToDictionary(item => item.Id);
        var verdicts = store.Loop.Verdicts(iteration);
        var hard = verdicts.Where(v => v.Label == VerdictLabel.Hard).Select(v => v.InstructionId).Order().ToList();
        var easy = verdicts.Where(v => v.Label == VerdictLabel.Easy).Select(v => v.InstructionId).Order().ToList();
        if (config.Selection == Config.SeedSelection.Random)
        {
            // The ablation: the same number of seeds of each prompt kind, drawn without the verdicts.
            var everyone = cache.Select(item => item.Id).Order().ToList();
            (hard, easy) = (hard.Count > 0 ? everyone : [], easy.Count > 0 ? everyone : []);
        }
        var (wantHard, wantEasy) = Split(config.NewInstructionsPerIteration, config.HardEasyRatio, hard.Count > 0, easy.Count > 0);
        context.Note($"  generator: {wantHard} hard from {hard.Count} seeds, {wantEasy} easy from {easy.Count} seeds");

        var slots = new GenerationSlots(wantHard, wantEasy, config.NewInstructionsPerIteration * config.GenerationAttemptsPerInstruction);
        var decisions = new GenerationDecisions(slots,
            new NoveltyFilter(cache.Select(LoopContext.Question), config.NoveltyThreshold),
            new TakenInstructions(cache.Select(LoopContext.Question), HeldOutQuestions(context)),
            store.Loop.Attempts(iteration));
        var replies = new Dictionary<int, GenerationReply>();
        var keptCount = context.Count(iteration, LoopStage.Generation, WorkKind.InstructionsKept, wantHard + wantEasy);
        var replyCount = context.Count(iteration, LoopStage.Generation, WorkKind.GeneratorReplies, slots.Count);
        // A batch generator takes a whole round of slots in one batch; a live one, the run's concurrency.
        int roundSize = config.ConcurrencyFor(config.Generator);
        var owed = new OwedItems(LoopStage.Generation, iteration, roundSize);
        GenerationAttempt Save(GenerationAttempt attempt) => store.Loop.SaveAttempt(iteration, attempt);

        decisions.DecideInOrder(replies, Save);
        while (!decisions.Done && decisions.Next < slots.Count)
        {
            // A batch round waits for its batch: it asks for as many more as the replies so far say filling the quota takes.
            double overAsk = config.Generator.Batch && config.Batch.GenerationOverAsk
                ? AttemptsPerKept(decisions.Recorded, config.GenerationAttemptsPerInstruction) : 1;
            await owed.ForEach(context, Round(slots, decisions, replies, roundSize, overAsk), async (asked, token) =>
            {
                var (slot, kind) = asked;
                var seeds = kind == GenerationKind.Hard ? hard : easy;
                long seedId = seeds[new Random((int)(StableSeed(config.RandomSeed, iteration, slot) % int.MaxValue)).Next(seeds.Count)];
                string seedText = LoopContext.Question(byId[seedId]);
                int words = seedText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
                int? maxTokens = config.Generator.MaxTokensPerSeedWord > 0 ? Math.Max(16, config.Generator.MaxTokensPerSeedWord * words) : null;
                var options = LoopContext.Options(config.Generator, maxTokens, seed: StableSeed(config.RandomSeed, iteration, slot));
                GenerationReply reply;
                try
                {
                    var response = await context.Generator.GetResponseAsync(prompts.Generator(seedText, kind), options, token);
                    reply = new GenerationReply(kind, response.Text, response.FinishReason, seedId);
                }
                catch (Gateway.RemoteRequestException error) when (ItemOutcome.IsRefusal(error))
                {
                    reply = new GenerationReply(kind, error.Message, ItemOutcome.FinishOf(error), seedId);
                }
                catch (Gateway.RemoteRequestException error) when (!error.StopsTheRun)
                {
                    owed.Failed(error);
                    return;
                }
                owed.Succeeded();
                lock (replies)
                    replies[slot] = reply;
                replyCount.Advance();
            }, cancellationToken);

            // After a slot still owed, the replies that came (kept in the request cache) wait for the rerun.
            decisions.DecideInOrder(replies, Save);
            keptCount.Reached(decisions.Kept);
            owed.ThrowIfAny();
        }
        if (decisions.Kept == 0 && wantHard + wantEasy > 0)
        {
            var reasons = store.Loop.Attempts(iteration).Where(a => a.RejectReason is not null).GroupBy(a => a.RejectReason!.Value)
                .OrderByDescending(g => g.Count()).ToList();
            throw new NothingUsableException(iteration, LoopStage.Generation,
                $"no new instruction kept from {reasons.Sum(g => g.Count())} generator replies " +
                $"(rejected: {string.Join(", ", reasons.Select(g => $"{Vocabulary<RejectReason>.Word(g.Key)} {g.Count()}"))})");
        }
        store.Loop.AdvancePools(iteration);
        store.Loop.StageDone(iteration, LoopStage.Generation);
    }

    /// <summary>
    /// The next slots to ask, in slot order from the first undecided one: those neither recorded nor
    /// answered, of a kind still wanted, at most what each kind needs (times the over-ask) and at most
    /// <paramref name="size"/> in all.
    /// </summary>
    private static List<(int Slot, GenerationKind Kind)> Round(GenerationSlots slots, GenerationDecisions decisions, Dictionary<int, GenerationReply> replies, int size, double overAsk)
    {
        var room = new Dictionary<GenerationKind, int>
        {
            [GenerationKind.Hard] = (int)Math.Ceiling(decisions.Need(GenerationKind.Hard) * overAsk),
            [GenerationKind.Easy] = (int)Math.Ceiling(decisions.Need(GenerationKind.Easy) * overAsk),
        };
        var round = new List<(int, GenerationKind)>();
        for (int slot = decisions.Next; slot < slots.Count && round.Count < size && room.Values.Any(left => left > 0); slot++)
        {
            var kind = decisions.KindOf(slot);
            if (decisions.IsRecorded(slot) || replies.ContainsKey(slot) || room[kind] == 0)
                continue;
            room[kind]--;
            round.Add((slot, kind));
        }
        return round;
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

    /// <summary>A seed fixed by the run's random seed, the iteration and the slot, the same in every process.</summary>
    private static long StableSeed(int randomSeed, int iteration, int slot) =>
        Math.Abs(((long)randomSeed * 1_000_003 + iteration) * 1_000_003 + slot);
}
