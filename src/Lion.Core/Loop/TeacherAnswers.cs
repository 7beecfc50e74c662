using Lion.Core.Gateway;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// Asks the teacher for every instruction of a pool that has no answer yet: each distinct
/// instruction once per run, whatever pools it is in. Each answer is stored as it arrives. A
/// request that fails for good is left unanswered (the gateway has recorded why) unless the
/// failure stops the whole run.
/// </summary>
internal static class TeacherAnswers
{
    public static async Task EnsureAsync(LoopContext context, IReadOnlyList<PoolItem> items, string why, CancellationToken cancellationToken)
    {
        var answered = context.Store.TeacherAnswers();
        var missing = items.Where(item => !answered.ContainsKey(item.Id)).ToList();
        if (missing.Count == 0)
            return;
        context.Report($"  teacher: {missing.Count} {why} instructions to answer ({items.Count - missing.Count} answered already)");
        var options = LoopContext.Options(context.Config.Teacher);
        int done = 0, failed = 0;
        await context.ForEach(missing, async (item, token) =>
        {
            try
            {
                var response = await context.Teacher.GetResponseAsync([new ChatMessage(ChatRole.User, LoopContext.Question(item))], options, token);
                context.Store.SaveTeacherAnswer(item.Id, context.Config.Teacher.Model, response.Text, response.FinishReason?.Value);
                Progress(context, Interlocked.Increment(ref done), missing.Count, "teacher answers");
            }
            catch (RemoteRequestException error) when (!error.StopsTheRun)
            {
                Interlocked.Increment(ref failed);
            }
        }, cancellationToken);
        if (failed > 0)
            context.Report($"  teacher: {failed} instructions could not be answered (see lion status)");
    }

    /// <summary>Only complete answers count: a truncated or empty one is stored but never trained on or judged.</summary>
    public static bool IsComplete((string Text, string? FinishReason) answer) =>
        answer.FinishReason is null or "stop" && !string.IsNullOrWhiteSpace(answer.Text);

    internal static void Progress(LoopContext context, int done, int total, string what)
    {
        if (context.Progress is { } live)
        {
            live(what, done, total);
            return;
        }
        int step = Math.Max(1, total / 10);
        if (done % step == 0 || done == total)
            context.Report($"  {what}: {done}/{total}");
    }
}
