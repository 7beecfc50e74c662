using System.Security.Cryptography;
using System.Text;
using Lion.Core.Data;

namespace Lion.Core.Store;

/// <summary>
/// The identity of an instruction's content: equal keys mean an exact duplicate. Fields are
/// length-prefixed so ("ab", "c") and ("a", "bc") differ, and a missing output differs from "".
/// </summary>
internal static class ContentKey
{
    public static string Of(InstructionRecord record)
    {
        var text = new StringBuilder();
        Append(text, record.Instruction);
        Append(text, record.Input);
        Append(text, record.Output);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder text, string? field)
    {
        if (field is null)
            text.Append("-1:");
        else
            text.Append(field.Length).Append(':').Append(field);
    }
}
