using System.Text;

namespace Lion.Core.Text;

/// <summary>
/// Text that comes from outside (a model's reply, a seed file) made safe to store, compare and
/// show: control characters other than tab, newline and carriage return are removed (NUL among
/// them, which SQLite and most tools treat as the end of the text), and a lone UTF-16 surrogate
/// (what undecodable bytes can leave) becomes U+FFFD. Everything else is kept as it is.
/// </summary>
public static class OutsideText
{
    public static string Clean(string text)
    {
        int first = FirstUnclean(text);
        if (first < 0)
            return text;
        var clean = new StringBuilder(text.Length);
        clean.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
                continue;
            }
            if (char.IsSurrogate(c))
                clean.Append('\uFFFD');
            else if (!Removed(c))
                clean.Append(c);
        }
        return clean.ToString();
    }

    private static int FirstUnclean(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c) || Removed(c))
                return i;
        }
        return -1;
    }

    private static bool Removed(char c) => char.IsControl(c) && c is not ('\t' or '\n' or '\r');
}
