using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lion.Core;

/// <summary>
/// The words an enum of this project is written as where it leaves the program (config files,
/// the store, the command line, JSON): the member's <see cref="JsonStringEnumMemberNameAttribute"/>
/// where it has one, else its name in snake_case. Parsed once where a word enters, written once
/// where it is stored, so no other code compares strings.
/// </summary>
public static class Vocabulary<T> where T : struct, Enum
{
    private static readonly (T Value, string Word)[] Words = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => ((T)f.GetValue(null)!, f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                                            ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(f.Name)))
        .ToArray();

    /// <summary>Every word, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = Words.Select(w => w.Word).ToArray();

    public static string Word(T value)
    {
        foreach (var (candidate, word) in Words)
            if (EqualityComparer<T>.Default.Equals(candidate, value))
                return word;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(T).Name}");
    }

    public static bool TryParse(string? word, out T value)
    {
        foreach (var (candidate, known) in Words)
            if (string.Equals(known, word, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        value = default;
        return false;
    }

    /// <summary>The value a stored word names; a word no lion wrote means a damaged store.</summary>
    public static T Parse(string word) => TryParse(word, out var value)
        ? value
        : throw new FormatException($"\"{word}\" is not a {typeof(T).Name} (one of {Listing})");

    /// <summary>The words for a message: "a", "b" or "c".</summary>
    public static string Listing { get; } = All.Count == 1 ? $"\"{All[0]}\""
        : string.Join(", ", All.Take(All.Count - 1).Select(w => $"\"{w}\"")) + $" or \"{All[^1]}\"";
}
