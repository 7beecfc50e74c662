using System.Security.Cryptography;
using System.Text;

namespace Lion.Oracle;

/// <summary>A hash of text that is the same in every process (string.GetHashCode is not), for seeding.</summary>
internal static class StableHash
{
    public static int Of(string text, int salt = 0) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{salt}\u0001{text}")), 0);

    /// <summary>A number in [0, 1) fixed by the text.</summary>
    public static double Unit(string text, int salt = 0) => (uint)Of(text, salt) / 4294967296.0;
}
