using Lion.Core.Config;
using Lion.Core.Evaluation;
using Lion.Core.Prompts;
using Lion.Core.Store;
using Lion.Core.Students;

namespace Lion.Core.Loop;

/// <summary>
/// Discrimination: teacher and student answer the cache pool; the referee scores each pair
/// twice, the teacher's answer first and then second, and the scores of each answer are
/// averaged. Gap = teacher − student; hard when the gap is at least τ. A reply that does not
/// parse is recorded as such and the referee is asked again, a bounded number of times; a
/// pair without both reviews gets no verdict, never a made-up score. Pairs whose requests kept
/// failing stay owed: the stage stops unfinished and a rerun asks for exactly their reviews.
/// </summary>
internal static class DiscriminationStage
{
    private const int StudentBatch = 32;

    public static async Task RunAsync(LoopContext context, int iteration, string checkpoint, PromptSet prompts, CancellationToken cancellationToken)
    {
        var store = context.Store;
        context.Started(iteration, LoopStage.Discrimination);
        var cache = store.Loop.PoolMembers(Pool.Cache, iteration);
        await TeacherAnswers.EnsureAsync(context, iteration, LoopStage.Discrimination, cache, "cache-pool", cancellationToken);
        var teacher = store.Loop.TeacherAnswers();
        // An instruction the teacher could not answer has no pair to judge: the student is not asked it.
        var judgeable = cache.Where(item => teacher.TryGetValue(item.Id, out var answer) && answer.IsComplete).ToList();
        await StudentAnswersAsync(context, iteration, checkpoint, judgeable, cancellationToken);

        var student = store.Loop.StudentAnswers(iteration);
        var reviews = store.Loop.Reviews(iteration).ToLookup(r => r.InstructionId);
        var judged = store.Loop.Verdicts(iteration).Select(v => v.InstructionId).ToHashSet();
        var toJudge = judgeable.Where(item => !judged.Contains(item.Id) && student.ContainsKey(item.Id)).ToList();
        context.Note($"  referee: {toJudge.Count} pairs to judge in both orders");
        var referee = new Referee(context.Referee, prompts, LoopContext.Options(context.Config.Referee), 1 + context.Config.RefereeRetries,
            RequestFingerprint.Of(context.Config.Referee));
        var judgedCount = context.Count(iteration, LoopStage.Discrimination, WorkKind.PairsJudged, toJudge.Count);
        var owed = new OwedItems(LoopStage.Discrimination, iteration, context.Config.ConcurrencyFor(context.Config.Referee));
        await owed.ForEach(context, toJudge, async (item, token) =>
        {
            var earlier = reviews[item.Id].ToList();
            try
            {
                var first = await ReviewAsync(context, iteration, referee, item, teacher[item.Id].Text, student[item.Id], true, earlier, token);
                var second = await ReviewAsync(context, iteration, referee, item, teacher[item.Id].Text, student[item.Id], false, earlier, token);
                if (first is not null && second is not null)
                    store.Loop.SaveVerdict(iteration, Judge(item.Id, first, second, context.Config.Threshold));
                owed.Succeeded();
            }
            catch (Gateway.RemoteRequestException error) when (!error.StopsTheRun)
            {
                // Recorded by the gateway; the pair stays owed, and a rerun asks for its missing reviews.
                owed.Failed(error);
            }
            judgedCount.Advance();
        }, cancellationToken);
        owed.ThrowIfAny();
        if (cache.Count > 0 && store.Loop.Verdicts(iteration).Count == 0)
            throw new NothingUsableException(iteration, LoopStage.Discrimination, NoVerdict(store, iteration, cache.Count, toJudge.Count));
        store.Loop.StageDone(iteration, LoopStage.Discrimination);
    }

    /// <summary>Why a whole discrimination ended without one verdict, in the words a user can act on.</summary>
    private static string NoVerdict(RunStore store, int iteration, int pairs, int judged)
    {
        if (judged == 0)
            return $"no verdict: none of the {pairs} cache-pool instructions has both a complete teacher answer and a student answer " +
                   $"({store.Loop.StudentAnswered(iteration).Count - store.Loop.StudentAnswers(iteration).Count} student answers refused by its endpoint)";
        var reviews = store.Loop.Reviews(iteration);
        var errors = reviews.Where(r => r.ParseError is not null).GroupBy(r => r.ParseError!).OrderByDescending(g => g.Count()).FirstOrDefault();
        return $"no verdict: {reviews.Count} referee replies for {judged} pairs, {reviews.Count(r => r.ParseError is not null)} without two " +
               $"usable scores (most common: {errors?.Key ?? "none"}); a referee that answers in its own format needs its own " +
               "prompt (prompts.referee) or more attempts (referee_retries)";
    }

    private static async Task StudentAnswersAsync(LoopContext context, int iteration, string checkpoint, IReadOnlyList<PoolItem> items, CancellationToken cancellationToken)
    {
        var answered = context.Store.Loop.StudentAnswered(iteration);
        var missing = items.Where(item => !answered.Contains(item.Id)).ToList();
        if (missing.Count > 0)
            context.Note($"  student: {missing.Count} cache-pool instructions to answer");
        var counter = context.Count(iteration, LoopStage.Discrimination, WorkKind.StudentAnswers, missing.Count);
        foreach (var batch in missing.Chunk(StudentBatch))
        {
            var replies = await context.Student.AnswerAsync(batch.Select(i => new StudentQuestion(i.Instruction, i.Input)).ToList(), cancellationToken);
            context.Store.Loop.SaveStudentAnswers(iteration, checkpoint, batch.Zip(replies, (item, reply) => (item.Id, reply)));
            counter.Advance(batch.Length);
        }
    }

    /// <summary>A parsed review in the given order: from the store if there is one, else asked for; null when there is none.</summary>
    private static async Task<Review?> ReviewAsync(LoopContext context, int iteration, Referee referee, PoolItem item,
        string teacherAnswer, string studentAnswer, bool teacherFirst, List<Review> earlier, CancellationToken cancellationToken)
    {
        var mine = earlier.Where(r => r.TeacherFirst == teacherFirst)
            .Select(r => new RefereeAttempt(r.Attempt, r.Raw, teacherFirst ? r.TeacherScore : r.StudentScore, teacherFirst ? r.StudentScore : r.TeacherScore, r.ParseError)
            {
                RequestKey = r.RequestKey,
                RefusedAs = r.RefusedAs,
            })
            .ToList();
        var (first, second) = teacherFirst ? (teacherAnswer, studentAnswer) : (studentAnswer, teacherAnswer);
        var score = await referee.ScoreAsync(LoopContext.Question(item), first, second, mine,
            a => context.Store.Loop.SaveReview(iteration, new Review(item.Id, teacherFirst, a.Attempt, a.Raw,
                teacherFirst ? a.First : a.Second, teacherFirst ? a.Second : a.First, a.Problem) { RequestKey = a.RequestKey, RefusedAs = a.RefusedAs }),
            cancellationToken);
        if (score.Failure is { } failed)
            throw failed; // Recorded by the gateway; the pair stays owed.
        if (score.Scores is not { } scores)
            return null;
        var (teacher, student) = teacherFirst ? (scores.First, scores.Second) : (scores.Second, scores.First);
        return new Review(item.Id, teacherFirst, 0, "", teacher, student, null);
    }

    internal static Verdict Judge(long id, Review teacherFirst, Review studentFirst, double threshold)
    {
        double teacher = (teacherFirst.TeacherScore!.Value + studentFirst.TeacherScore!.Value) / 2;
        double student = (teacherFirst.StudentScore!.Value + studentFirst.StudentScore!.Value) / 2;
        double gap = teacher - student;
        int Winner(Review r) => Math.Sign(r.TeacherScore!.Value - r.StudentScore!.Value);
        return new Verdict(id, teacher, student, gap, gap >= threshold ? VerdictLabel.Hard : VerdictLabel.Easy, Winner(teacherFirst) != Winner(studentFirst));
    }
}
