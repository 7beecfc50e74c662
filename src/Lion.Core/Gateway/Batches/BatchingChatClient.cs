using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// A batch role's upstream: requests are not sent one by one but collected, written as batch
/// files, uploaded, submitted through the Batch API and polled; each caller gets its line's answer
/// when the batch finishes. It stands below the request cache, which stores the answers as it
/// stores live ones, and it stores them itself as they arrive, so a line answered for a caller
/// that has gone (a stopped run) is not paid for again.
///
/// Every step is written to the <see cref="IBatchLog"/> as soon as it happens. A run that stops
/// while a batch is pending finds the batch there when it starts again and polls it; a request
/// whose line is in it waits for it and is never submitted again. Lines that failed or were left
/// when a batch expired are asked again, in a new batch or live, up to a bound. The budget is
/// checked for the whole batch, at the batch price, before it is submitted.
/// </summary>
public sealed class BatchingChatClient : IChatClient
{
    private readonly IBatchApi _api;
    private readonly IGatewayLog _log;
    private readonly UsageLedger _ledger;
    private readonly string _role;
    private readonly string _model;
    private readonly string _endpoint;
    private readonly TokenEstimator _estimator;
    private readonly int _defaultMaxOutput;
    private readonly BatchOptions _options;
    private readonly RetrySettings _retry;
    private readonly IChatClient? _live;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<string, System.Text.Json.JsonElement>? _extraBody;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Waiter> _waiting = [];
    private readonly List<string> _queue = [];
    // Custom ids of lines in batches not yet finished, by the store's batch id.
    private readonly Dictionary<string, long> _inBatch = [];
    // Lines of a batch this process could not follow to its end (the provider unreachable): their
    // requests fail until the next run polls the batch again, rather than being submitted twice.
    private readonly Dictionary<string, Exception> _unfollowed = [];
    private bool _collecting;
    private bool _resumed;

    /// <param name="live">Where failed lines go when <see cref="BatchOptions.RetryLive"/>: the role's live chain.</param>
    /// <param name="extraBody">Fields merged into each line's body, as the role's live requests carry them.</param>
    public BatchingChatClient(IBatchApi api, IGatewayLog log, UsageLedger ledger, string role, string model, string endpoint,
        int defaultMaxOutput, BatchOptions options, RetrySettings retry, IChatClient? live = null, TimeProvider? time = null,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? extraBody = null)
    {
        _extraBody = extraBody;
        _api = api;
        _log = log;
        _ledger = ledger;
        _role = role;
        _model = model;
        _endpoint = endpoint;
        _estimator = new TokenEstimator(model);
        _defaultMaxOutput = defaultMaxOutput;
        _options = options;
        _retry = retry;
        _live = live;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A request waiting for its line: what to send again if the line fails, and its attempts so far.</summary>
    private sealed class Waiter(IReadOnlyList<ChatMessage> messages, ChatOptions? options, string requestJson, byte[] line)
    {
        public TaskCompletionSource<ChatResponse> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public IReadOnlyList<ChatMessage> Messages => messages;
        public ChatOptions? Options => options;
        public string RequestJson => requestJson;
        public byte[] Line => line;
        public int Attempts { get; set; }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var (key, requestJson) = RequestKey.Of(_model, conversation, options, _endpoint);
        // Answered by a batch after the cache above was asked.
        if (_log.Find(key) is { } stored)
            return stored.ToResponse(cached: false);
        Waiter waiter;
        lock (_gate)
        {
            ResumeOnce();
            if (_unfollowed.TryGetValue(key, out var lost))
                throw lost;
            if (!_waiting.TryGetValue(key, out waiter!))
            {
                waiter = new Waiter(conversation, options, requestJson, BatchRequestLine.Write(key, _model, conversation, options, _extraBody));
                _waiting[key] = waiter;
                // A line of a pending batch is waited for, never submitted again.
                if (!_inBatch.ContainsKey(key))
                    Enqueue(key);
            }
        }
        return await waiter.Answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Picks up the batches an earlier run left pending: polled again, or created from their uploaded file.</summary>
    private void ResumeOnce()
    {
        if (_resumed)
            return;
        _resumed = true;
        foreach (var batch in _log.UnfinishedBatches(_role, _endpoint))
        {
            if (batch.InputFileId is null)
            {
                // Never uploaded: nothing was submitted, and its requests are asked again as they come.
                _log.BatchFinished(batch.Id, BatchStatus.Failed, 0, 0);
                continue;
            }
            foreach (var customId in batch.CustomIds)
                _inBatch[customId] = batch.Id;
            Start(batch.CustomIds, () => batch.BatchId is { } id
                ? PollAsync(batch.Id, id, batch.CustomIds, reservation: null)
                : CreateAndPollAsync(batch.Id, batch.InputFileId, batch.CustomIds, reservation: null));
        }
    }

    private void Enqueue(string key)
    {
        _queue.Add(key);
        if (_collecting)
            return;
        _collecting = true;
        _ = Task.Run(CollectAsync);
    }

    /// <summary>Waits until no request has arrived for the collect time (or a file is full), then submits what came.</summary>
    private async Task CollectAsync()
    {
        while (true)
        {
            int before;
            lock (_gate)
                before = _queue.Count;
            await Task.Delay(_options.Collect, _time).ConfigureAwait(false);
            List<string> taken;
            lock (_gate)
            {
                if (_queue.Count > before && _queue.Count < _options.MaxLines)
                    continue;
                taken = TakeFile();
                if (taken.Count == 0)
                {
                    _collecting = false;
                    return;
                }
            }
            Start(taken, () => SubmitAsync(taken));
        }
    }

    /// <summary>The queue's first lines that fit one file (at least one, whatever its size).</summary>
    private List<string> TakeFile()
    {
        var taken = new List<string>();
        long bytes = 0;
        foreach (var key in _queue)
        {
            long size = _waiting[key].Line.Length;
            if (taken.Count > 0 && (taken.Count >= _options.MaxLines || bytes + size > _options.MaxBytes))
                break;
            taken.Add(key);
            bytes += size;
        }
        _queue.RemoveRange(0, taken.Count);
        return taken;
    }

    private async Task SubmitAsync(IReadOnlyList<string> keys)
    {
        List<Waiter> waiters;
        lock (_gate)
            waiters = keys.Select(key => _waiting[key]).ToList();
        long input = waiters.Sum(w => _estimator.CountPrompt(w.Messages));
        long output = waiters.Sum(w => (long)(w.Options?.MaxOutputTokens ?? _defaultMaxOutput));
        var reservation = _ledger.Reserve(_model, input, output, batch: true);
        try
        {
            byte[] file = waiters.SelectMany(w => w.Line).ToArray();
            long id = _log.BatchWritten(_role, _endpoint, keys.ToList(), file.Length);
            lock (_gate)
                foreach (var key in keys)
                    _inBatch[key] = id;
            string fileId;
            try
            {
                fileId = await Remote(token => _api.UploadAsync($"lion-{_role}-batch-{id}.jsonl", file, token)).ConfigureAwait(false);
            }
            catch
            {
                // Nothing was submitted: the batch is over, and its lines are free to be asked again.
                _log.BatchFinished(id, BatchStatus.Failed, 0, keys.Count);
                lock (_gate)
                    foreach (var key in keys)
                        _inBatch.Remove(key);
                throw;
            }
            _log.FileUploaded(id, fileId);
            await CreateAndPollAsync(id, fileId, keys, reservation).ConfigureAwait(false);
        }
        finally
        {
            reservation.Dispose();
        }
    }

    private async Task CreateAndPollAsync(long id, string fileId, IReadOnlyList<string> keys, UsageLedger.Reservation? reservation)
    {
        var state = await Remote(token => _api.CreateAsync(fileId, _options.CompletionWindow, token)).ConfigureAwait(false);
        _log.BatchSubmitted(id, state.Id);
        await PollAsync(id, state.Id, keys, reservation).ConfigureAwait(false);
    }

    private async Task PollAsync(long id, string batchId, IReadOnlyList<string> keys, UsageLedger.Reservation? reservation)
    {
        var wait = _options.Poll;
        BatchState state;
        var seen = BatchStatus.Validating;
        while (!(state = await Remote(token => _api.GetAsync(batchId, token)).ConfigureAwait(false)).Status.IsFinished())
        {
            if (state.Status != seen)
                _log.BatchPolled(id, seen = state.Status);
            await Task.Delay(wait, _time).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _options.MaxPoll.Ticks));
        }
        var lines = new List<BatchResultLine>();
        foreach (var file in new[] { state.OutputFileId, state.ErrorFileId })
        {
            if (file is null)
                continue;
            string text = await Remote(token => _api.DownloadAsync(file, token)).ConfigureAwait(false);
            lines.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(BatchResultLine.Parse).OfType<BatchResultLine>());
        }
        reservation?.Dispose();
        var mine = keys.ToHashSet();
        var answered = new HashSet<string>();
        var failed = new Dictionary<string, string>();
        var refused = new Dictionary<string, RemoteFailure>();
        var delivered = new List<Action>();
        foreach (var line in lines.Where(l => mine.Contains(l.CustomId)))
        {
            if (line.Response is { } response && answered.Add(line.CustomId))
                delivered.Add(Answered(line.CustomId, response, batchId));
            else if (line.Error is { } error)
            {
                failed.TryAdd(line.CustomId, error);
                if (line.Refusal is { } refusal)
                    refused.TryAdd(line.CustomId, refusal);
            }
        }
        foreach (var key in mine.Where(k => !answered.Contains(k) && !failed.ContainsKey(k)))
            failed[key] = $"the batch ended {Vocabulary<BatchStatus>.Word(state.Status)} without answering it";
        failed = failed.Where(f => !answered.Contains(f.Key)).ToDictionary();
        _log.BatchFinished(id, state.Status, answered.Count, failed.Count);
        // Every answer is in the store now: the provider's copies (its storage is limited) go
        // before anyone is given an answer, so a run that ends with this batch leaves none behind.
        await DeleteFilesAsync(state.InputFileId, state.OutputFileId, state.ErrorFileId).ConfigureAwait(false);
        foreach (var deliver in delivered)
            deliver();
        lock (_gate)
            foreach (var key in keys)
                _inBatch.Remove(key);
        foreach (var (key, error) in failed)
            if (refused.TryGetValue(key, out var refusal))
                Refused(key, refusal);
            else
                Retry(key, batchId, error);
    }

    /// <summary>Deletes a finished batch's files at the provider; one that cannot be deleted stays, and costs only storage.</summary>
    private async Task DeleteFilesAsync(params string?[] fileIds)
    {
        foreach (string fileId in fileIds.OfType<string>().Distinct())
        {
            try
            {
                await _api.DeleteFileAsync(fileId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception error) when (RemoteFailure.From(error, CancellationToken.None) is { } failure)
            {
                _log.Record(_role, _model, failure with { Message = $"deleting the batch file {fileId}: {failure.Message}" }, 1);
            }
        }
    }

    /// <summary>A line the provider refused as it would refuse the live request: its caller gets the refusal at once.</summary>
    private void Refused(string key, RemoteFailure refusal)
    {
        _log.Record(_role, _model, refusal, 1);
        Waiter? waiter;
        lock (_gate)
            _waiting.Remove(key, out waiter);
        waiter?.Answer.TrySetException(new RemoteRequestException(refusal, refusal.Message));
    }

    /// <summary>A line's answer: stored and accounted at the batch price once; given to whoever waits for it by the action returned.</summary>
    /// <returns>What gives the answer to whoever waits for it.</returns>
    private Action Answered(string key, ChatResponse response, string batchId)
    {
        Waiter? waiter;
        lock (_gate)
            _waiting.Remove(key, out waiter);
        // An answer already stored was accounted by an earlier poll of this batch (a run stopped mid-way).
        if (_log.Find(key) is null)
        {
            _ledger.RecordPaid(_role, _model, response.Usage?.InputTokenCount ?? (waiter is null ? 0 : _estimator.CountPrompt(waiter.Messages)),
                response.Usage?.OutputTokenCount ?? _estimator.Count(response.Text), batch: true);
            _log.Store(key, response.ModelId ?? _model, waiter?.RequestJson ?? $$"""{"batch":"{{batchId}}"}""", CachedReply.From(response));
        }
        return () => waiter?.Answer.TrySetResult(response);
    }

    /// <summary>A failed or unanswered line: asked again (in a new batch, or live) while attempts remain, else its caller fails.</summary>
    private void Retry(string key, string batchId, string error)
    {
        var failure = new RemoteFailure(RemoteFailureKind.ServerError, null, $"batch {batchId}: {error}", null);
        _log.Record(_role, _model, failure, 1);
        Waiter? waiter;
        lock (_gate)
        {
            // Nobody waits for it (a resumed batch): its request is asked again when it comes.
            if (!_waiting.TryGetValue(key, out waiter))
                return;
            waiter.Attempts++;
            if (waiter.Attempts >= _options.MaxAttempts)
            {
                _waiting.Remove(key);
                waiter.Answer.TrySetException(new RemoteRequestException(failure, $"gave up after {waiter.Attempts} batch attempts; last: {failure.Message}"));
                return;
            }
            if (_live is null || !_options.RetryLive)
            {
                Enqueue(key);
                return;
            }
            _waiting.Remove(key);
        }
        _ = AskLiveAsync(waiter);
    }

    private async Task AskLiveAsync(Waiter waiter)
    {
        try
        {
            waiter.Answer.TrySetResult(await _live!.GetResponseAsync(waiter.Messages, waiter.Options).ConfigureAwait(false));
        }
        catch (Exception error)
        {
            waiter.Answer.TrySetException(error);
        }
    }

    /// <summary>A call to the Files or Batches endpoints, retried and recorded as a chat request would be.</summary>
    private Task<T> Remote<T>(Func<CancellationToken, Task<T>> call) =>
        RemoteRetry.RunAsync(call, _retry, (failure, attempt) => _log.Record(_role, _model, failure, attempt), _time, CancellationToken.None);

    /// <summary>
    /// Runs a batch's work in the background; if it fails, every caller waiting on its lines gets
    /// the error, and lines of a batch that may still be pending stay unasked until the next run.
    /// </summary>
    private void Start(IReadOnlyList<string> keys, Func<Task> work) => _ = Task.Run(async () =>
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            lock (_gate)
            {
                foreach (var key in keys)
                {
                    if (_inBatch.Remove(key))
                        _unfollowed[key] = error;
                    if (_waiting.Remove(key, out var waiter))
                        waiter.Answer.TrySetException(error);
                }
            }
        }
    });

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => throw new NotSupportedException("a batch role answers whole replies");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
