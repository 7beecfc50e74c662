using Lion.Torch.Model;
using Lion.Torch.Tokenization;
using Microsoft.Extensions.AI;
using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch.Generation;

/// <summary>
/// Sequences decoded together with one key/value cache. New rows are prefilled together and
/// join at any step, left-padded to the batch's cache length (each row keeps its own positions;
/// a mask hides the padding); a row that finishes leaves at once, and padding no remaining row
/// needs is dropped. Each row samples with its own options, so requests with different
/// settings share one forward pass per step.
/// </summary>
public sealed class DecodingBatch(LlamaForCausalLM model, ITextTokenizer tokenizer) : IDisposable
{
    private readonly List<DecodingRow> _rows = [];
    private readonly List<LayerCache> _caches = Enumerable.Range(0, model.Config.NumHiddenLayers).Select(_ => new LayerCache()).ToList();
    private long _length;

    /// <summary>The rows in the batch, finished ones included until they are removed.</summary>
    public IReadOnlyList<DecodingRow> Rows => _rows;

    /// <summary>A row for the prompt, not yet in the batch; its random stream depends only on the seed and the prompt.</summary>
    public DecodingRow Row(string prompt, SamplingOptions options) =>
        new([model.Config.BosTokenId, .. tokenizer.Encode(prompt).Select(t => (long)t)], options, new Random(Seed(options.Seed, prompt)));

    /// <summary>A row for a prompt given as token ids, taken as they are (no BOS added), as a completions endpoint takes them.</summary>
    public DecodingRow Row(IReadOnlyList<int> prompt, SamplingOptions options) =>
        new([.. prompt.Select(t => (long)t)], options, new Random(Seed(options.Seed, string.Join(',', prompt))));

    /// <summary>Reads the new rows' prompts in one forward pass, picks each one's first token and adds them to the batch.</summary>
    public void Admit(IReadOnlyList<DecodingRow> rows)
    {
        var config = model.Config;
        foreach (var over in rows.Where(r => r.Prompt.Count > config.MaxPositionEmbeddings || r.Options.MaxNewTokens <= 0))
            over.FinishReason = ChatFinishReason.Length;
        var admitted = rows.Where(r => r.FinishReason is null).ToList();
        if (admitted.Count == 0)
            return;

        int longest = admitted.Max(r => r.Prompt.Count);
        long pad = config.PadTokenId ?? config.EosTokenId;
        var tokens = new long[admitted.Count, longest];
        var positions = new long[admitted.Count, longest];
        for (int row = 0; row < admitted.Count; row++)
        {
            var prompt = admitted[row].Prompt;
            int offset = longest - prompt.Count;
            admitted[row].LeftPad = offset;
            for (int i = 0; i < longest; i++)
            {
                tokens[row, i] = i >= offset ? prompt[i - offset] : pad;
                positions[row, i] = i >= offset ? i - offset : 0;
            }
        }

        var caches = _caches.Select(_ => new LayerCache()).ToList();
        using (var noGrad = no_grad())
        using (var scope = NewDisposeScope())
        {
            var mask = PrefillMask(admitted, longest);
            var logits = model.Forward(tensor(tokens), tensor(positions), mask, caches, lastOnly: true);
            Choose(admitted, logits.select(1, 0));
        }
        Join(admitted, caches, longest);
    }

    /// <summary>Feeds every unfinished row its pending token and picks the next one.</summary>
    public void Step()
    {
        var rows = _rows.Where(r => r.FinishReason is null).ToList();
        if (rows.Count == 0)
            return;
        if (rows.Count != _rows.Count)
            throw new InvalidOperationException("remove finished rows before stepping");

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var tokens = tensor(rows.Select(r => r.Pending).ToArray()).view(-1, 1);
        var positions = tensor(rows.Select(r => r.PendingPosition).ToArray()).view(-1, 1);
        var leftPads = tensor(rows.Select(r => r.LeftPad).ToArray()).view(-1, 1);
        var mask = (arange(_length + 1).view(1, -1) >= leftPads).view(rows.Count, 1, 1, _length + 1);
        var logits = model.Forward(tokens, positions, mask, _caches);
        _length++;
        Choose(rows, logits.select(1, 0));
    }

    /// <summary>Takes the rows that match out of the batch (their cache rows too) and returns them.</summary>
    public IReadOnlyList<DecodingRow> Remove(Func<DecodingRow, bool> leaving)
    {
        // Asked once per row: a cancellation may land between two questions.
        bool[] leaves = _rows.Select(leaving).ToArray();
        var gone = _rows.Where((_, i) => leaves[i]).ToList();
        if (gone.Count == 0)
            return gone;
        long[] kept = Enumerable.Range(0, _rows.Count).Where(i => !leaves[i]).Select(i => (long)i).ToArray();
        _rows.RemoveAll(gone.Contains);
        if (_rows.Count == 0)
        {
            foreach (var cache in _caches)
                cache.Dispose();
            _length = 0;
            return gone;
        }

        long unneeded = _rows.Min(r => r.LeftPad);
        foreach (var cache in _caches)
        {
            cache.KeepRows(kept);
            cache.DropLeft(unneeded);
        }
        foreach (var row in _rows)
            row.LeftPad -= unneeded;
        _length -= unneeded;
        return gone;
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
            cache.Dispose();
    }

    /// <summary>The new rows' caches join the batch's, the shorter side padded on the left.</summary>
    private void Join(List<DecodingRow> rows, List<LayerCache> caches, long length)
    {
        long target = Math.Max(_length, length);
        foreach (var row in _rows)
            row.LeftPad += target - _length;
        foreach (var row in rows)
            row.LeftPad += target - length;
        for (int layer = 0; layer < _caches.Count; layer++)
            _caches[layer].Join(caches[layer], target - _length, target - length);
        _rows.AddRange(rows);
        _length = target;
    }

    /// <summary>
    /// [rows, 1, length, length] booleans: causal, padding hidden, and every position may look at
    /// itself so a padding query never attends to nothing.
    /// </summary>
    private static Tensor PrefillMask(List<DecodingRow> rows, int length)
    {
        var causal = ones(length, length, dtype: ScalarType.Bool).tril();
        var real = arange(length).view(1, -1) >= tensor(rows.Select(r => r.LeftPad).ToArray()).view(-1, 1);
        var itself = eye(length, dtype: ScalarType.Bool);
        return ((causal.unsqueeze(0) & real.unsqueeze(1)) | itself.unsqueeze(0)).unsqueeze(1);
    }

    private void Choose(List<DecodingRow> rows, Tensor logits)
    {
        var last = logits.to(float32).contiguous();
        // Greedy picks in managed code: libtorch splits an argmax this wide across its OpenMP
        // threads, which then spin on the cores the next decoding step wants.
        var scores = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(last.bytes);
        int vocabulary = (int)last.shape[1];
        var config = model.Config;
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            int token = row.Options.Temperature <= 0
                ? System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores.Slice(i * vocabulary, vocabulary))
                : TokenSampler.Pick(scores.Slice(i * vocabulary, vocabulary), row.Options.Temperature, row.Options.TopP, row.Random);
            row.Pending = token;
            if (token == config.EosTokenId && !row.Options.IgnoreEos)
            {
                row.FinishReason = ChatFinishReason.Stop;
                continue;
            }
            row.Generated.Add(token);
            string text = tokenizer.Decode(row.Generated);
            int stopAt = row.Options.Stop.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(at => at >= 0).DefaultIfEmpty(-1).Min();
            row.Text = stopAt >= 0 ? text[..stopAt] : text;
            if (stopAt >= 0)
                row.FinishReason = ChatFinishReason.Stop;
            else if (row.Generated.Count >= row.Options.MaxNewTokens || row.PendingPosition >= config.MaxPositionEmbeddings)
                row.FinishReason = ChatFinishReason.Length;
        }
    }

    private static int Seed(long seed, string prompt) =>
        BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}\u0001{prompt}")), 0);
}
