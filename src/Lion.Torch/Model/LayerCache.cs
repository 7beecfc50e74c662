using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// One layer's keys and values so far, [batch, kv heads, positions, head dim], grown by each
/// decoding step. Rows can join (left-padded to a common length), leave, and shed padding that
/// no row needs any more, so a batch of sequences can change while it is decoded.
/// </summary>
public sealed class LayerCache : IDisposable
{
    public Tensor? Keys { get; private set; }
    public Tensor? Values { get; private set; }

    public long Length => Keys?.shape[2] ?? 0;

    public (Tensor Keys, Tensor Values) Append(Tensor keys, Tensor values)
    {
        Replace(Keys is null ? keys.detach().clone() : cat([Keys, keys], 2),
                Values is null ? values.detach().clone() : cat([Values, values], 2));
        return (Keys!, Values!);
    }

    /// <summary>Adds the rows of <paramref name="other"/> after this cache's rows (both already the same length); takes its tensors.</summary>
    public void Stack(LayerCache other)
    {
        if (other.Keys is null || other.Values is null)
            return;
        if (Keys is null || Values is null)
            Replace(other.Keys.clone(), other.Values.clone());
        else
            Replace(cat([Keys, other.Keys], 0), cat([Values, other.Values], 0));
        other.Dispose();
    }

    /// <summary>Puts <paramref name="count"/> empty positions in front of every row.</summary>
    public void PadLeft(long count)
    {
        if (count == 0 || Keys is null || Values is null)
            return;
        Replace(cat([zeros(Shape(Keys, count), Keys.dtype), Keys], 2), cat([zeros(Shape(Values, count), Values.dtype), Values], 2));
    }

    /// <summary>Drops the first <paramref name="count"/> positions of every row.</summary>
    public void DropLeft(long count)
    {
        if (count == 0 || Keys is null || Values is null)
            return;
        Replace(Keys.narrow(2, count, Length - count).contiguous(), Values.narrow(2, count, Length - count).contiguous());
    }

    /// <summary>Keeps only the rows at <paramref name="rows"/>, in that order.</summary>
    public void KeepRows(long[] rows)
    {
        if (Keys is null || Values is null)
            return;
        using var index = tensor(rows);
        Replace(Keys.index_select(0, index), Values.index_select(0, index));
    }

    public void Dispose()
    {
        Keys?.Dispose();
        Values?.Dispose();
        Keys = Values = null;
    }

    private static long[] Shape(Tensor t, long positions) => [t.shape[0], t.shape[1], positions, t.shape[3]];

    private void Replace(Tensor keys, Tensor values)
    {
        var (oldKeys, oldValues) = (Keys, Values);
        Keys = keys.DetachFromDisposeScope();
        Values = values.DetachFromDisposeScope();
        oldKeys?.Dispose();
        oldValues?.Dispose();
    }
}
