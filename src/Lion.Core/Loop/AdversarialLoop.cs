using System.Diagnostics;
using Lion.Core.Prompts;
using Lion.Core.Store;

namespace Lion.Core.Loop;

/// <summary>
/// The Lion iterations: imitation, discrimination, generation, as many times as configured. Each
/// stage asks the store what is missing and does only that, so running again after a crash (or
/// Ctrl-C) continues where the run stopped and pays for nothing twice.
/// </summary>
public sealed class AdversarialLoop(LoopContext context)
{
    private readonly PromptSet _prompts = new(context.Config.Prompts);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await IterateAsync(cancellationToken);
        }
        catch (StageStoppedException stopped)
        {
            context.Store.Loop.StageStopped(stopped.Iteration, stopped.Stage, stopped.Detail);
            context.Events.Report(new StageStopped(stopped.Iteration, stopped.Stage, stopped.Detail));
            throw;
        }
    }

    private async Task IterateAsync(CancellationToken cancellationToken)
    {
        var store = context.Store;
        int iterations = context.Config.Iterations;
        string? loaded = null;
        bool studentReady = false;
        var session = Stopwatch.StartNew();
        int finishedHere = 0;
        for (int iteration = 1; iteration <= iterations; iteration++)
        {
            if (store.Loop.Stage(iteration, LoopStage.Generation).Status == StageStatus.Done)
            {
                loaded = store.Loop.Checkpoint(iteration);
                continue;
            }
            var clock = Stopwatch.StartNew();
            context.Events.Report(new IterationStarted(iteration, iterations));

            string? checkpoint = store.Loop.Checkpoint(iteration);
            if (checkpoint is null)
            {
                // The student continues from the last iteration's checkpoint.
                if (!studentReady)
                    await context.Student.LoadAsync(loaded, cancellationToken);
                checkpoint = await ImitationStage.RunAsync(context, iteration, cancellationToken);
            }
            else
            {
                await context.Student.LoadAsync(checkpoint, cancellationToken);
            }
            loaded = checkpoint;
            studentReady = true;

            if (store.Loop.Stage(iteration, LoopStage.Evaluation).Status != StageStatus.Done)
                await EvaluationStage.RunAsync(context, iteration, cancellationToken);

            if (store.Loop.Stage(iteration, LoopStage.Discrimination).Status != StageStatus.Done)
                await DiscriminationStage.RunAsync(context, iteration, checkpoint!, _prompts, cancellationToken);
            await GenerationStage.RunAsync(context, iteration, _prompts, cancellationToken);

            finishedHere++;
            // The pace of the iterations run in this session, for the ones still to come.
            var left = TimeSpan.FromTicks(session.Elapsed.Ticks / finishedHere * (iterations - iteration));
            context.Events.Report(new IterationFinished(iteration, iterations, clock.Elapsed, left));
        }
    }
}
