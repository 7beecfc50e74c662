using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>
/// One layer's keys and values so far, [batch, kv heads, positions, head dim]. The buffers hold
/// room for more positions than are used, so a decoding step writes its keys in place instead
/// of copying the whole cache. Rows can join (left-padded to a common length), leave, and shed
/// padding no row needs any more, so a batch of sequences can change while it is decoded.
/// </summary>
public sealed unsafe class LayerCache : IDisposable
{
    private const long Headroom = 64;
    private Tensor? _keys, _values;
    // The buffers' shape and type, read once per buffer: a decoding step asks for them in every
    // layer, and each read of a tensor's shape is a call into libtorch and a new array.
    private long _rows, _capacity;
    private ScalarType? _type;

    /// <summary>Positions in use.</summary>
    public long Length { get; private set; }

    /// <summary>Rows (sequences) held; 0 before the first positions.</summary>
    public long Rows => _rows;

    /// <summary>The type keys and values are held in, once there are any.</summary>
    public ScalarType? Type => _type;

    /// <summary>
    /// Takes room for one more position and returns the whole buffers, [rows, kv heads, capacity,
    /// head dim], with the new position's index, for a kernel that writes its key and value in place.
    /// </summary>
    internal (Tensor Keys, Tensor Values, int Position, int Capacity) TakeOnePosition()
    {
        if (_keys is null || _values is null)
            throw new InvalidOperationException("the cache holds no positions yet");
        if (Length + 1 > _capacity)
            Grow();
        Length++;
        return (_keys!, _values!, (int)Length - 1, (int)_capacity);
    }

    /// <summary>Adds the new positions' keys and values; returns views of everything so far.</summary>
    public (Tensor Keys, Tensor Values) Append(Tensor keys, Tensor values)
    {
        long fresh = keys.shape[2];
        if (_keys is null || _values is null)
            Replace(keys.detach(), values.detach(), 0);
        else
        {
            if (Length + fresh > _keys.shape[2])
                Grow(fresh);
            using (var slot = _keys!.narrow(2, Length, fresh))
                slot.copy_(keys);
            using (var slot = _values!.narrow(2, Length, fresh))
                slot.copy_(values);
            Length += fresh;
        }
        return (Used(_keys!), Used(_values!));
    }

    /// <summary>
    /// Adds the rows of <paramref name="other"/> after this cache's rows, each side shifted right
    /// by its padding so both end at the same position; one copy of each, and <paramref name="other"/> is disposed.
    /// </summary>
    public void Join(LayerCache other, long padding, long otherPadding)
    {
        if (other._keys is null || other._values is null)
            return;
        if (_keys is null || _values is null)
        {
            using var keys = other.Used(other._keys);
            using var values = other.Used(other._values);
            Replace(keys, values, otherPadding);
        }
        else
        {
            long length = padding + Length;
            if (otherPadding + other.Length != length)
                throw new ArgumentException("the two caches must end at the same position once padded");
            var newKeys = Joined(Used(_keys), padding, other.Used(other._keys), otherPadding, length);
            var newValues = Joined(Used(_values), padding, other.Used(other._values), otherPadding, length);
            _keys.Dispose();
            _values.Dispose();
            Hold(newKeys, newValues);
            Length = length;
        }
        other.Dispose();
    }

    /// <summary>Drops the first <paramref name="count"/> positions of every row.</summary>
    public void DropLeft(long count)
    {
        if (count == 0 || _keys is null || _values is null)
            return;
        using var keys = _keys.narrow(2, count, Length - count);
        using var values = _values.narrow(2, count, Length - count);
        Replace(keys, values, 0);
    }

    /// <summary>Keeps only the rows at <paramref name="rows"/>, in that order.</summary>
    public void KeepRows(long[] rows)
    {
        if (_keys is null || _values is null)
            return;
        using var index = tensor(rows);
        using var keys = Used(_keys);
        using var values = Used(_values);
        using var keptKeys = keys.index_select(0, index);
        using var keptValues = values.index_select(0, index);
        Replace(keptKeys, keptValues, 0);
    }

    public void Dispose()
    {
        _keys?.Dispose();
        _values?.Dispose();
        Hold(null, null);
        Length = 0;
    }

    private Tensor Used(Tensor buffer) => buffer.narrow(2, 0, Length);

    /// <summary>
    /// Room for <paramref name="fresh"/> more positions and the headroom after them. Float32 buffers
    /// on the CPU are copied in managed code: libtorch fills and copies a buffer this size on its
    /// OpenMP threads, which then spin for a while on the cores that a decoding step's own threads
    /// are waiting for, and the step's next piece starts late.
    /// </summary>
    private void Grow(long fresh = 1)
    {
        long length = Length + fresh - 1;
        var (keys, values) = (Grown(_keys!, length), Grown(_values!, length));
        _keys!.Dispose();
        _values!.Dispose();
        Hold(keys, values);
    }

    private void Hold(Tensor? keys, Tensor? values)
    {
        (_keys, _values) = (keys, values);
        (_rows, _capacity, _type) = keys is null ? (0L, 0L, (ScalarType?)null) : (keys.shape[0], keys.shape[2], keys.dtype);
    }

    /// <summary>A copy of <paramref name="buffer"/>'s used positions with room for <paramref name="length"/> and the headroom, the rest zero.</summary>
    private Tensor Grown(Tensor buffer, long length)
    {
        if (buffer.dtype != ScalarType.Float32 || buffer.device_type != TorchSharp.DeviceType.CPU)
        {
            using var used = Used(buffer);
            return NewBuffer(used, 0, length);
        }
        long rows = buffer.shape[0], heads = buffer.shape[1], old = buffer.shape[2], dim = buffer.shape[3], capacity = length + Headroom;
        var grown = empty([rows, heads, capacity, dim], ScalarType.Float32).DetachFromDisposeScope();
        float* from = Fused.FloatMemory.Of(buffer), to = Fused.FloatMemory.Of(grown);
        for (long slice = 0; slice < rows * heads; slice++)
        {
            var target = new Span<float>(to + slice * capacity * dim, checked((int)(capacity * dim)));
            new ReadOnlySpan<float>(from + slice * old * dim, checked((int)(Length * dim))).CopyTo(target);
            target[checked((int)(Length * dim))..].Clear();
        }
        return grown;
    }

    /// <summary>New buffers holding <paramref name="padding"/> zero positions, then the given ones, then headroom.</summary>
    private void Replace(Tensor keys, Tensor values, long padding)
    {
        long length = padding + keys.shape[2];
        var newKeys = NewBuffer(keys, padding, length);
        var newValues = NewBuffer(values, padding, length);
        _keys?.Dispose();
        _values?.Dispose();
        Hold(newKeys, newValues);
        Length = length;
    }

    private static Tensor Joined(Tensor first, long firstPadding, Tensor second, long secondPadding, long length)
    {
        long rows = first.shape[0];
        var buffer = zeros([rows + second.shape[0], first.shape[1], length + Headroom, first.shape[3]], first.dtype).DetachFromDisposeScope();
        using (first)
        using (var slot = buffer.narrow(0, 0, rows).narrow(2, firstPadding, first.shape[2]))
            slot.copy_(first);
        using (second)
        using (var slot = buffer.narrow(0, rows, second.shape[0]).narrow(2, secondPadding, second.shape[2]))
            slot.copy_(second);
        return buffer;
    }

    private static Tensor NewBuffer(Tensor used, long padding, long length)
    {
        var buffer = zeros([used.shape[0], used.shape[1], length + Headroom, used.shape[3]], used.dtype).DetachFromDisposeScope();
        using var slot = buffer.narrow(2, padding, used.shape[2]);
        slot.copy_(used);
        return buffer;
    }
}
