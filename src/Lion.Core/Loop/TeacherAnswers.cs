using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Store;
using Microsoft.Extensions.AI;

namespace Lion.Core.Loop;

/// <summary>
/// Asks the teacher for every instruction of a pool that has no answer yet: each distinct
/// instruction once per run, whatever pools it is in. Each answer is stored as it arrives. An
/// instruction the endpoint refuses for its own sake (a 400 about it, the content filter) is
/// stored as refused under the teacher's current parameters, and asked again only under others;
/// one whose requests kept failing stays owed, and the stage stops unfinished so that a rerun asks
/// for exactly those. A refusal of the parameters themselves stops the run before anything of it
/// is stored.
/// </summary>
internal static class TeacherAnswers
{
    public static async Task EnsureAsync(LoopContext context, int iteration, LoopStage stage, IReadOnlyList<PoolItem> items, string why,
        CancellationToken cancellationToken)
    {
        var answered = context.Store.Loop.TeacherAnswers();
        string fingerprint = RequestFingerprint.Of(context.Config.Teacher);
        var missing = items.Where(item => !answered.TryGetValue(item.Id, out var answer) || !answer.StandsUnder(fingerprint)).ToList();
        if (missing.Count == 0)
            return;
        int again = missing.Count(item => answered.ContainsKey(item.Id));
        context.Note($"  teacher: {missing.Count} {why} instructions to answer ({items.Count - missing.Count} answered already" +
                       (again > 0 ? $"; {again} refused under other parameters, asked again" : "") + ")");
        var options = LoopContext.Options(context.Config.Teacher);
        int refused = 0, filtered = 0;
        var counter = context.Count(iteration, stage, WorkKind.TeacherAnswers, missing.Count);
        var owed = new OwedItems(stage, iteration, context.Config.ConcurrencyFor(context.Config.Teacher));
        await owed.ForEach(context, missing, async (item, token) =>
        {
            try
            {
                var response = await context.Teacher.GetResponseAsync([new ChatMessage(ChatRole.User, LoopContext.Question(item))], options, token);
                bool withheld = response.FinishReason == ItemOutcome.ContentFilter;
                context.Store.Loop.SaveTeacherAnswer(item.Id, context.Config.Teacher.Model, withheld ? ItemOutcome.Withheld : response.Text,
                    response.FinishReason, withheld ? fingerprint : null);
                if (withheld)
                    Interlocked.Increment(ref filtered);
                owed.Succeeded();
                counter.Advance();
            }
            catch (RemoteRequestException error) when (ItemOutcome.IsRefusal(error))
            {
                // A refusal keeps the provider's words for `lion status --refused`; it is never an answer.
                context.Store.Loop.SaveTeacherAnswer(item.Id, context.Config.Teacher.Model, error.Failure.Message, ItemOutcome.FinishOf(error), fingerprint);
                owed.Succeeded();
                Interlocked.Increment(ref ItemOutcome.IsContentFiltered(error) ? ref filtered : ref refused);
            }
            catch (RemoteRequestException error) when (!error.StopsTheRun)
            {
                owed.Failed(error);
            }
        }, cancellationToken);
        if (refused > 0)
            context.Note($"  teacher: {refused} instructions refused by the endpoint, kept as unanswerable (`lion status --refused` lists them)");
        if (filtered > 0)
            context.Note($"  teacher: {filtered} instructions withheld by the provider's content filter (`lion status --refused` lists them)");
        owed.ThrowIfAny();
    }
}
