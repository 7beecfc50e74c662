using System.Buffers;
using System.Text.Unicode;

namespace Lion.Core.Text;

/// <summary>
/// The bytes of a text file that has been checked to be UTF-8 without a byte-order mark,
/// with a map from byte offsets to line numbers for error messages.
/// </summary>
public sealed class Utf8File
{
    private readonly int[] _lineStarts;

    private Utf8File(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
        _lineStarts = FindLineStarts(bytes);
    }

    public string Path { get; }

    public byte[] Bytes { get; }

    public static Utf8File Read(string path)
    {
        if (Directory.Exists(path))
            throw BadInputException.InFile(path, "is a folder, not a file");
        if (!File.Exists(path))
            throw BadInputException.InFile(path, "no such file");

        var file = new Utf8File(path, File.ReadAllBytes(path));
        file.CheckEncoding();
        return file;
    }

    /// <summary>The 1-based line that holds the byte at <paramref name="offset"/>.</summary>
    public int LineOf(long offset)
    {
        int index = Array.BinarySearch(_lineStarts, (int)Math.Min(offset, int.MaxValue));
        return index >= 0 ? index + 1 : ~index;
    }

    public bool IsBlank() => Bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty;

    private void CheckEncoding()
    {
        if (Bytes.AsSpan().StartsWith("\uFEFF"u8))
            throw BadInputException.AtLine(Path, 1,
                "the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM");
        if (Bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || Bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            throw BadInputException.AtLine(Path, 1, "the file is UTF-16; save it as UTF-8");

        var scratch = ArrayPool<char>.Shared.Rent(64 * 1024);
        try
        {
            int position = 0;
            while (position < Bytes.Length)
            {
                var status = Utf8.ToUtf16(Bytes.AsSpan(position), scratch, out int read, out _,
                    replaceInvalidSequences: false, isFinalBlock: true);
                position += read;
                if (status == OperationStatus.InvalidData)
                {
                    int line = LineOf(position);
                    int column = position - _lineStarts[line - 1] + 1;
                    throw BadInputException.AtLine(Path, line,
                        $"invalid UTF-8 (byte 0x{Bytes[position]:X2} at column {column})");
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }

    private static int[] FindLineStarts(byte[] bytes)
    {
        var starts = new List<int> { 0 };
        int at = 0;
        while ((at = Array.IndexOf(bytes, (byte)'\n', at)) >= 0)
            starts.Add(++at);
        return starts.ToArray();
    }
}
