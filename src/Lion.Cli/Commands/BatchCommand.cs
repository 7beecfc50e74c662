using System.CommandLine;
using Lion.Core;
using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Store;

namespace Lion.Cli.Commands;

/// <summary>
/// `lion batch cancel`: stops a run's pending batches at the provider, which bills a batch while
/// it runs whether lion waits for it or not. What a cancelled batch answered is kept when the run
/// next reads it; the lines it did not answer are asked again by the next `lion run`.
/// </summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var folder = RunFolderOption.Create();
        var cancel = new Command("cancel", "Cancel the run's pending batches at their provider.") { folder };
        cancel.SetAction((parse, cancellation) => CommandBody.RunAsync(parse, async output =>
        {
            string runFolder = parse.GetValue(folder)!;
            using var writer = RunLock.Acquire(runFolder, "lion batch cancel");
            using var store = RunStore.Open(runFolder);
            var config = RunConfigReader.Parse(store.Config().Json, $"{runFolder} (stored config)");
            var roles = RunGateway.LoopRoles(config);
            var pending = store.Gateway.PendingBatches().Where(b => b.BatchId is not null).ToList();
            if (pending.Count == 0)
            {
                output.WriteLine($"{runFolder}: no batch is pending at a provider.");
                return ExitCode.Success;
            }
            int failed = 0;
            foreach (var batch in pending)
            {
                if (!roles.TryGetValue(new Role(batch.Role), out var role) || role.IsOracle)
                    throw new BadInputException($"{runFolder}: batch {batch.BatchId} belongs to the role \"{batch.Role}\", which the run's config no longer sends to a provider");
                try
                {
                    var state = await RunGateway.BatchApi(role, batch.Role).CancelAsync(batch.BatchId!, cancellation);
                    store.Gateway.BatchPolled(batch.Id, state.Status);
                    output.WriteLine($"{batch.BatchId} ({batch.Role}, {batch.Lines} lines): {Vocabulary<BatchStatus>.Word(state.Status)}");
                }
                catch (Exception error) when (RemoteFailure.From(error, cancellation) is { } failure)
                {
                    failed++;
                    parse.InvocationConfiguration.Error.WriteLine($"error: {batch.BatchId} ({batch.Role}): not cancelled: {failure.Message}");
                }
            }
            output.WriteLine($"`lion run --out {runFolder}` reads what the cancelled batches answered and asks again for the rest.");
            return failed == 0 ? ExitCode.Success : ExitCode.RemoteError;
        }));
        return new Command("batch", "A run's batches at the provider's Batch API.") { cancel };
    }
}
