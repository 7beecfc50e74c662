using Microsoft.Extensions.AI;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Lion.Torch.Model;
using Lion.Torch.Tokenization;

namespace Lion.Torch.Generation;

/// <summary>
/// Serves concurrent requests from one model the way inference servers do: a single decoding
/// thread owns a <see cref="DecodingBatch"/>; requests that arrive while it runs join at the next
/// step (up to <c>maxBatch</c> rows, the rest wait in arrival order), every row streams its text
/// as it grows, and a row leaves the batch as soon as it finishes or its caller cancels.
/// </summary>
public sealed class ContinuousBatcher : IDisposable
{
    private readonly ITextTokenizer _tokenizer;
    private readonly LlamaConfig _config;
    private readonly int _maxBatch;
    private readonly DecodingBatch _batch;
    private readonly ConcurrentQueue<Request> _waiting = new();
    private readonly Dictionary<DecodingRow, Request> _decoding = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _tokenizerGate = new();
    private readonly Thread _thread;
    private int _active;
    private volatile Exception? _broken;
    private long _steps, _rowSteps;

    public ContinuousBatcher(LlamaForCausalLM model, ITextTokenizer tokenizer, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _tokenizer = new LockedTokenizer(tokenizer, _tokenizerGate);
        _config = model.Config;
        _maxBatch = maxBatch;
        _batch = new DecodingBatch(model, _tokenizer);
        _thread = new Thread(Decode) { IsBackground = true, Name = "lion-decoder" };
        _thread.Start();
    }

    /// <summary>Requests waiting or decoding.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Steps decoded so far, and the rows they decoded in all: their ratio is the mean batch size.</summary>
    public (long Steps, long Rows) Work => (Interlocked.Read(ref _steps), Interlocked.Read(ref _rowSteps));

    /// <summary>How many tokens the model reads for the prompt (BOS included).</summary>
    public int PromptTokens(string prompt) => _tokenizer.Encode(prompt).Length + 1;

    /// <summary>The longest prompt plus answer the model can hold, in tokens.</summary>
    public int ContextLength => _config.MaxPositionEmbeddings;

    /// <summary>
    /// The request's text as it is decoded (or, when <paramref name="stream"/> is false, all at
    /// once when it is done), ending with an update that carries the finish reason and token
    /// counts. Cancelling <paramref name="cancellationToken"/> takes the request out of the batch
    /// at the next step.
    /// </summary>
    public IAsyncEnumerable<GenerationUpdate> Generate(string prompt, SamplingOptions options, bool stream = true,
        CancellationToken cancellationToken = default) =>
        Generate(_batch.Row(prompt, options), stream, cancellationToken);

    /// <summary>As <see cref="Generate(string, SamplingOptions, bool, CancellationToken)"/>, for a prompt of token ids taken as they are.</summary>
    public IAsyncEnumerable<GenerationUpdate> Generate(IReadOnlyList<int> prompt, SamplingOptions options, bool stream = true,
        CancellationToken cancellationToken = default) =>
        Generate(_batch.Row(prompt, options), stream, cancellationToken);

    private async IAsyncEnumerable<GenerationUpdate> Generate(DecodingRow row, bool stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (_broken is { } failure)
            throw new InvalidOperationException("the decoder stopped after a failure", failure);
        var request = new Request(row, stream, cancellationToken);
        Interlocked.Increment(ref _active);
        _waiting.Enqueue(request);
        _arrived.Release();
        if (_broken is { } late)
            request.Updates.Writer.TryComplete(late);
        await foreach (var update in request.Updates.Reader.ReadAllAsync(CancellationToken.None))
        {
            // Text decoded before the cancel may still be queued; a cancelled caller gets none of it.
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _thread.Join();
        foreach (var request in _waiting.Concat(_decoding.Values))
            request.Updates.Writer.TryComplete(new ObjectDisposedException(nameof(ContinuousBatcher)));
        _batch.Dispose();
        _arrived.Dispose();
        _stopping.Dispose();
    }

    private void Decode()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (_decoding.Count == 0 && _waiting.IsEmpty)
                    _arrived.Wait(_stopping.Token);
                Admit();
                Publish();
                if (_batch.Rows.Count == 0)
                    continue;
                _batch.Step();
                Interlocked.Increment(ref _steps);
                Interlocked.Add(ref _rowSteps, _batch.Rows.Count);
                Publish();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception failure)
        {
            // A broken model fails every request in hand, and every later one, rather than
            // leaving callers waiting for a thread that is gone.
            _broken = failure;
            foreach (var request in _waiting.Concat(_decoding.Values))
                request.Updates.Writer.TryComplete(failure);
        }
    }

    private void Admit()
    {
        var joining = new List<DecodingRow>();
        while (_decoding.Count + joining.Count < _maxBatch && _waiting.TryDequeue(out var request))
        {
            if (request.Cancellation.IsCancellationRequested)
            {
                Finish(request, cancelled: true);
                continue;
            }
            _decoding.Add(request.Row, request);
            joining.Add(request.Row);
        }
        if (joining.Count > 0)
            _batch.Admit(joining);
    }

    /// <summary>Sends each row's new text; finished and cancelled rows leave the batch.</summary>
    private void Publish()
    {
        foreach (var (row, request) in _decoding)
        {
            // A caller that waits for the whole answer is not woken for every token.
            if (request.Cancellation.IsCancellationRequested || (!request.Stream && row.FinishReason is null))
                continue;
            int ready = row.FinishReason is null ? StableLength(row) : row.Text.Length;
            if (ready > request.Sent && row.Text.Length >= ready)
            {
                request.Updates.Writer.TryWrite(new GenerationUpdate(row.Text[request.Sent..ready]));
                request.Sent = ready;
            }
        }
        foreach (var row in _batch.Remove(r => r.FinishReason is not null || _decoding[r].Cancellation.IsCancellationRequested))
        {
            var request = _decoding[row];
            _decoding.Remove(row);
            Finish(request, cancelled: row.FinishReason is null);
        }
        // Rows the batch refused outright (a prompt over the context) never entered it.
        foreach (var (row, request) in _decoding.Where(d => d.Key.FinishReason is not null && !_batch.Rows.Contains(d.Key)).ToList())
        {
            _decoding.Remove(row);
            Finish(request, cancelled: false);
        }
    }

    private void Finish(Request request, bool cancelled)
    {
        Interlocked.Decrement(ref _active);
        var row = request.Row;
        if (cancelled)
            request.Updates.Writer.TryComplete(new OperationCanceledException(request.Cancellation));
        else
        {
            // The EOS that ended a row is a token it generated (a scorer of the completion needs it), though never text.
            bool endedOnEos = row.FinishReason == ChatFinishReason.Stop && row.Pending == _config.EosTokenId;
            request.Updates.Writer.TryWrite(new GenerationUpdate("", row.FinishReason, row.Prompt.Count, row.Generated.Count)
            {
                Tokens = endedOnEos ? [.. row.Generated, _config.EosTokenId] : [.. row.Generated],
            });
            request.Updates.Writer.TryComplete();
        }
    }

    /// <summary>
    /// How much of the text can be sent without taking anything back: not a trailing partial
    /// character, nor an ending that may yet become a stop string (which is never sent).
    /// </summary>
    private static int StableLength(DecodingRow row)
    {
        string text = row.Text;
        int length = text.Length;
        if (length > 0 && text[^1] == '\uFFFD')
            length--;
        int held = 0;
        foreach (string stop in row.Options.Stop)
            for (int k = Math.Min(stop.Length - 1, length); k > held; k--)
                if (string.CompareOrdinal(text, length - k, stop, 0, k) == 0)
                {
                    held = k;
                    break;
                }
        return length - held;
    }

    private sealed class Request(DecodingRow row, bool stream, CancellationToken cancellation)
    {
        public DecodingRow Row { get; } = row;
        public bool Stream { get; } = stream;
        public CancellationToken Cancellation { get; } = cancellation;
        public Channel<GenerationUpdate> Updates { get; } = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        public int Sent { get; set; }
    }

    /// <summary>The tokenizer shared by the decoding thread and the callers' threads, one at a time.</summary>
    private sealed class LockedTokenizer(ITextTokenizer inner, Lock gate) : ITextTokenizer
    {
        public int VocabularySize => inner.VocabularySize;

        public int[] Encode(string text)
        {
            lock (gate)
                return inner.Encode(text);
        }

        public string Decode(IEnumerable<int> ids)
        {
            lock (gate)
                return inner.Decode(ids);
        }

        public void Save(string folder) => inner.Save(folder);
    }
}
