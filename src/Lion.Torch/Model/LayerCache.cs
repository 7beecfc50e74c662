using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>One layer's keys and values so far, [batch, kv heads, positions, head dim], grown by each decoding step.</summary>
public sealed class LayerCache : IDisposable
{
    public Tensor? Keys { get; private set; }
    public Tensor? Values { get; private set; }

    public (Tensor Keys, Tensor Values) Append(Tensor keys, Tensor values)
    {
        var newKeys = Keys is null ? keys.detach().clone() : cat([Keys, keys], 2);
        var newValues = Values is null ? values.detach().clone() : cat([Values, values], 2);
        Keys?.Dispose();
        Values?.Dispose();
        Keys = newKeys.DetachFromDisposeScope();
        Values = newValues.DetachFromDisposeScope();
        return (Keys, Values);
    }

    public void Dispose()
    {
        Keys?.Dispose();
        Values?.Dispose();
    }
}
