using System.Text;

namespace Lion.Torch.Export;

/// <summary>
/// Writes a GGUF (version 3) file: header, typed metadata, tensor directory, then each tensor's
/// data aligned to 32 bytes. Dimensions are given innermost first, as GGUF stores them.
/// </summary>
internal sealed class GgufWriter
{
    private const uint Magic = 0x46554747; // "GGUF"
    private const int Alignment = 32;

    private readonly List<(string Key, uint Type, Action<BinaryWriter> Write)> _metadata = [];
    private readonly List<(string Name, ulong[] Dims, uint Type, byte[] Data)> _tensors = [];

    public void Add(string key, string value) => _metadata.Add((key, 8, w => String(w, value)));
    public void Add(string key, uint value) => _metadata.Add((key, 4, w => w.Write(value)));
    public void Add(string key, float value) => _metadata.Add((key, 6, w => w.Write(value)));
    public void Add(string key, bool value) => _metadata.Add((key, 7, w => w.Write(value)));

    public void Add(string key, IReadOnlyList<string> values) => _metadata.Add((key, 9, w =>
    {
        w.Write(8u);
        w.Write((ulong)values.Count);
        foreach (var value in values)
            String(w, value);
    }));

    public void Add(string key, IReadOnlyList<int> values) => _metadata.Add((key, 9, w =>
    {
        w.Write(5u);
        w.Write((ulong)values.Count);
        foreach (var value in values)
            w.Write(value);
    }));

    /// <summary>A tensor of a GGML type (<see cref="GgufTypes.TensorType"/>); <paramref name="dims"/> innermost first.</summary>
    public void AddTensor(string name, ulong[] dims, uint type, byte[] data) => _tensors.Add((name, dims, type, data));

    public void Write(string path)
    {
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(3u);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, type, write) in _metadata)
        {
            String(writer, key);
            writer.Write(type);
            write(writer);
        }
        ulong offset = 0;
        foreach (var (name, dims, type, data) in _tensors)
        {
            String(writer, name);
            writer.Write((uint)dims.Length);
            foreach (var dim in dims)
                writer.Write(dim);
            writer.Write(type);
            writer.Write(offset);
            offset += Aligned((ulong)data.Length);
        }
        Pad(writer);
        foreach (var (_, _, _, data) in _tensors)
        {
            writer.Write(data);
            Pad(writer);
        }
    }

    private static ulong Aligned(ulong size) => (size + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        long padding = (Alignment - writer.BaseStream.Position % Alignment) % Alignment;
        for (long i = 0; i < padding; i++)
            writer.Write((byte)0);
    }

    private static void String(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}
