namespace Lion.Torch.Tokenization;

/// <summary>
/// GPT-2's byte-level alphabet, which byte-level BPE tokenizers (GPT-2, SmolLM2, Qwen2, Llama 3)
/// use: every byte stands for a printable character, the printable ASCII and Latin-1 bytes for
/// themselves and the rest for the characters from U+0100 on, so any UTF-8 text is a string of
/// known characters and decodes back byte for byte.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByByte = Build();
    private static readonly Dictionary<char, byte> ByChar = ByByte.Select((c, b) => (c, (byte)b)).ToDictionary(p => p.c, p => p.Item2);

    private static char[] Build()
    {
        var chars = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = printable ? (char)b : (char)(256 + next++);
        }
        return chars;
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
            chars[i] = ByByte[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes the characters stand for; a character outside the alphabet is taken as its own UTF-8.</summary>
    public static byte[] Decode(string text)
    {
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsBmp && ByChar.TryGetValue((char)rune.Value, out byte b))
                bytes.Add(b);
            else
                bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)].ToArray());
        }
        return [.. bytes];
    }
}
